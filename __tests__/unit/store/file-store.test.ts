import * as fs from 'node:fs';
import * as path from 'node:path';
import { NO_LOCKER } from '../../../src/lock/locker';
import { createFileStore, formatCacheFilePath } from '../../../src/store/file-store';
import { MAX_ENTRIES } from '../../../src/store/token-entries';
import type { CachedToken } from '../../../src/store/token-store';
import { createFakeClock, createMemoryLocker, createMemoryLogger, createTokenFactory } from '../../helpers/fakes';
import { hostFs } from '../../helpers/host-fs';
import { itOnUnix, itWithSymlinks } from '../../helpers/platform';
import { itAsRoot } from '../../helpers/root';
import { makeTempDir } from '../../helpers/temp-dir';

const HOUR = 3600_000;

function setup() {
  const dir = path.join(makeTempDir(), 'cache');
  const clock = createFakeClock();
  const logger = createMemoryLogger();
  const store = createFileStore({ dir, now: clock.now, logger, locker: createMemoryLocker(), fsPlatform: hostFs() });
  const token = createTokenFactory(clock.now);
  return { dir, file: formatCacheFilePath(dir), clock, logger, store, token };
}

describe('file store', () => {
  it('round-trips a token per host and identity', async () => {
    const { store, token } = setup();
    const t = token('a.example');
    await store.put('id-1', t);
    expect(await store.get('a.example', 'id-1')).toEqual(t);
    expect(await store.get('a.example', 'id-2')).toBeUndefined();
    expect(await store.get('b.example', 'id-1')).toBeUndefined();
  });

  itOnUnix('creates the directory 0700 and the file 0600', 'Windows has no POSIX modes', async () => {
    const { store, token, dir, file } = setup();
    await store.put('id-1', token('a.example'));
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes versioned JSON that reveals no identity material', async () => {
    const { store, token, file } = setup();
    await store.put('AKIASECRETIDENTITY01|profile=prod', token('a.example'));
    const text = fs.readFileSync(file, 'utf8');
    const doc = JSON.parse(text);
    expect(doc.version).toBe(1);
    expect(doc.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(text).not.toContain('AKIASECRETIDENTITY01');
    expect(text).not.toContain('prod');
  });

  it('keeps entries of other hosts when writing', async () => {
    const { store, token } = setup();
    await store.put('id', token('a.example'));
    await store.put('id', token('b.example'));
    expect((await store.list('id')).map((t) => t.host).sort()).toEqual(['a.example', 'b.example']);
  });

  it('prunes expired entries on write', async () => {
    const { store, token, clock, file } = setup();
    await store.put('id', token('old.example'));
    clock.advance(13 * HOUR);
    await store.put('id', token('new.example'));
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.values(doc.entries).map((t) => (t as CachedToken).host)).toEqual(['new.example']);
  });

  it.each([
    ['garbage', 'not json {{{'],
    ['truncated', '{"version":1,"salt":"00112233445566778899aabbccddeeff","entries":{"k":{"host":"a'],
    ['other version', '{"version":99,"salt":"00112233445566778899aabbccddeeff","entries":{}}'],
    ['empty', ''],
  ])('treats a %s file as empty, logs a warning, and rebuilds it on write', async (_name, content) => {
    const { store, token, file, dir, logger } = setup();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, content, { mode: 0o600 });
    expect(await store.get('a.example', 'id')).toBeUndefined();
    expect(logger.lines.join('\n')).toMatch(/WARN token cache .* (is unreadable|rebuilding)/);
    await store.put('id', token('a.example'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).version).toBe(1);
    expect(await store.get('a.example', 'id')).toMatchObject({ host: 'a.example' });
  });

  it('drops a malformed entry but keeps the others', async () => {
    const { store, token, file } = setup();
    await store.put('id', token('a.example'));
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.entries.bad = { host: 5 };
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(await store.get('a.example', 'id')).toMatchObject({ host: 'a.example' });
  });

  itWithSymlinks('refuses to follow a symlink at the cache path, warns, and leaves the target alone', async () => {
    const { store, token, file, dir, logger } = setup();
    fs.mkdirSync(dir, { recursive: true });
    const target = path.join(path.dirname(dir), 'target.txt');
    fs.writeFileSync(target, 'do not touch');
    fs.symlinkSync(target, file);
    expect(await store.get('a.example', 'id')).toBeUndefined();
    await store.put('id', token('a.example'));
    expect(fs.readFileSync(target, 'utf8')).toBe('do not touch');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    expect(logger.told).toEqual([expect.stringMatching(/not using the token cache: .* is a symbolic link/)]);
  });

  itAsRoot('refuses a cache file owned by another user (chown needs root)', async () => {
    const { store, token, file, logger } = setup();
    await store.put('id', token('a.example'));
    fs.chownSync(file, 4242, 4242);
    const before = fs.readFileSync(file, 'utf8');
    expect(await store.get('a.example', 'id')).toBeUndefined();
    await store.put('id', token('b.example'));
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(logger.told).toEqual([expect.stringMatching(/owned by uid 4242/)]);
  });

  it('reports an unwritable cache directory as a CacheWriteError', async () => {
    const base = makeTempDir();
    const blocker = path.join(base, 'file');
    fs.writeFileSync(blocker, 'x');
    const clock = createFakeClock();
    const store = createFileStore({
      dir: path.join(blocker, 'cache'),
      now: clock.now,
      logger: createMemoryLogger(),
      locker: createMemoryLocker(),
      fsPlatform: hostFs(),
    });
    await expect(
      store.put('id', { host: 'a', username: 'AWS', password: 'p', issuedAt: clock.now(), expiresAt: clock.now() + HOUR }),
    ).rejects.toThrow(/cannot write token cache .*\(ENOTDIR\)/);
  });

  it('stays small however many identities rotate through it', async () => {
    const { store, token, clock, file } = setup();
    for (let i = 0; i < 200; i += 1) {
      clock.advance(1000);
      await store.put(`rotating-identity-${i}`, token('a.example', `pw-${i}`));
    }
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(doc.entries)).toHaveLength(MAX_ENTRIES);
    expect(fs.statSync(file).size).toBeLessThan(MAX_ENTRIES * 400);
    // The newest identities are the ones kept.
    expect(await store.get('a.example', 'rotating-identity-199')).toMatchObject({ password: 'pw-199' });
    expect(await store.get('a.example', 'rotating-identity-0')).toBeUndefined();
  });

  it('removes temp files left by writers killed mid-write, once they are old', async () => {
    const { store, token, dir, clock } = setup();
    await store.put('id', token('a.example'));
    const orphan = path.join(dir, 'tokens.json.1a2b3c4d1a2b3c4d');
    const fresh = path.join(dir, 'tokens.json.5e6f7a8b5e6f7a8b');
    fs.writeFileSync(orphan, '{"half":');
    fs.writeFileSync(fresh, '{"being written');
    const old = new Date(clock.now() - 120_000);
    fs.utimesSync(orphan, old, old);
    const recent = new Date(clock.now());
    fs.utimesSync(fresh, recent, recent);
    await store.put('id', token('b.example'));
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it('never writes without the write lock: a writer that cannot have it skips its write', async () => {
    const { dir, file, clock, token } = setup();
    const locker = createMemoryLocker();
    const logger = createMemoryLogger();
    const store = createFileStore({ dir, now: clock.now, logger, locker, fsPlatform: hostFs() });
    await store.put('id', token('a.example'));
    const before = fs.readFileSync(file, 'utf8');
    locker.holdExternally([...locker.attempts][0] ?? '');
    // Held by "another process" for longer than a writer waits (simulated with a clock it reads).
    const impatient = createFileStore({
      dir,
      now: () => clock.now() + 60_000 * locker.attempts.length,
      logger,
      locker,
      fsPlatform: hostFs(),
    });
    await impatient.put('id', token('b.example'));
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(logger.lines).toContain('WARN not caching the token: could not take the cache write lock: busy for 15000 ms');
  });

  it('reports a lock that cannot be taken at all as a failed write', async () => {
    const { dir, clock, token } = setup();
    const store = createFileStore({ dir, now: clock.now, logger: createMemoryLogger(), locker: NO_LOCKER, fsPlatform: hostFs() });
    await expect(store.put('id', token('a.example'))).rejects.toThrow(/^cannot write token cache .* \(no shared cache\)$/);
  });
});
