import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileLocker } from '../../../src/lock/file-locker';
import { createMemoryLogger } from '../../helpers/fakes';
import { hostFs } from '../../helpers/host-fs';
import { expectPosixMode, itWithSymlinks } from '../../helpers/platform';
import { makeTempDir } from '../../helpers/temp-dir';

/** The lock directories proper-lockfile made in `<dir>/locks`. */
function lockDirs(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'locks')).filter((name) => name.endsWith('.lock'));
}

describe('file locker', () => {
  it('gives a lock to one holder at a time and frees it on release', async () => {
    const dir = makeTempDir();
    const a = createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() });
    const b = createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() });
    const first = await a.tryLock('token-x');
    expect(first.status).toBe('acquired');
    expect((await b.tryLock('token-x')).status).toBe('busy');
    const other = await b.tryLock('token-y');
    expect(other.status).toBe('acquired');
    if (first.status === 'acquired') await first.release();
    if (other.status === 'acquired') await other.release();
    expect((await b.tryLock('token-x')).status).toBe('acquired');
    expectPosixMode(path.join(dir, 'locks'), 0o700);
  });

  it('claims a name for a while: one claimant at a time, then the next; a claim from the future is replaced', () => {
    const dir = makeTempDir();
    const a = createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() });
    const b = createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() });
    const t = 1_700_000_000_000;
    expect(a.claim?.('refresh-x', t, 60_000)).toBe(true);
    expect(b.claim?.('refresh-x', t + 59_999, 60_000)).toBe(false);
    expect(b.claim?.('refresh-y', t, 60_000)).toBe(true);
    expect(b.claim?.('refresh-x', t + 60_000, 60_000)).toBe(true);
    expect(a.claim?.('refresh-x', t + 60_001, 60_000)).toBe(false);
    // After the clock stepped back by more than a claim's length, the old claim does not block.
    expect(a.claim?.('refresh-x', t - 120_000, 60_000)).toBe(true);
    const claims = fs.readdirSync(path.join(dir, 'locks')).filter((name) => name.endsWith('.claim'));
    expect(claims).toHaveLength(2);
    expect(claims.join()).not.toMatch(/refresh/);
  });

  it('names lock files by a salted hash: no registry or identity in them, different in every directory', async () => {
    const name = 'token\u0000123456789012.dkr.ecr.us-east-1.amazonaws.com\u0000{"profile":"prod"}';
    const names: string[] = [];
    for (const dir of [makeTempDir(), makeTempDir()]) {
      const attempt = await createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() }).tryLock(name);
      expect(attempt.status).toBe('acquired');
      const [lock] = lockDirs(dir);
      expect(lock).toMatch(/^[0-9a-f]{32}\.lock$/);
      names.push(lock ?? '');
      expect(fs.readFileSync(path.join(dir, 'locks', 'salt'), 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
      expectPosixMode(path.join(dir, 'locks', 'salt'), 0o600);
      if (attempt.status === 'acquired') await attempt.release();
    }
    expect(names[0]).not.toBe(names[1]);
  });

  it('two lockers on one directory share the salt, so they contend for the same lock', async () => {
    const dir = makeTempDir();
    const lockers = Array.from({ length: 8 }, () => createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() }));
    const attempts = await Promise.all(lockers.map((l) => l.tryLock('token-x')));
    expect(attempts.filter((a) => a.status === 'acquired')).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'busy')).toHaveLength(7);
  });

  itWithSymlinks('replaces a salt file that is not ours (a symlink) instead of following it', async () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'locks'), { mode: 0o700 });
    const target = path.join(dir, 'elsewhere');
    fs.writeFileSync(target, 'ffffffffffffffffffffffffffffffff\n');
    fs.symlinkSync(target, path.join(dir, 'locks', 'salt'));
    const attempt = await createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() }).tryLock('token-x');
    expect(attempt.status).toBe('acquired');
    expect(fs.lstatSync(path.join(dir, 'locks', 'salt')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe('ffffffffffffffffffffffffffffffff\n');
  });

  it('takes over a lock whose holder stopped refreshing it (longer than staleMs)', async () => {
    const dir = makeTempDir();
    const holder = await createFileLocker({ dir, logger: createMemoryLogger(), staleMs: 60_000, fsPlatform: hostFs() }).tryLock('token-x');
    expect(holder.status).toBe('acquired');
    // As if the holder had died a minute ago: its lock directory was last touched then.
    const old = new Date(Date.now() - 60_000);
    for (const lock of lockDirs(dir)) fs.utimesSync(path.join(dir, 'locks', lock), old, old);
    const logger = createMemoryLogger();
    const attempt = await createFileLocker({ dir, logger, staleMs: 5000, fsPlatform: hostFs() }).tryLock('token-x');
    expect(attempt.status).toBe('acquired');
    if (attempt.status === 'acquired') await attempt.release();
  });

  it('takes a lock stamped in the future (the clock stepped back since), and waits for one refreshed just now', async () => {
    const dir = makeTempDir();
    const holder = await createFileLocker({ dir, logger: createMemoryLogger(), staleMs: 60_000, fsPlatform: hostFs() }).tryLock('token-x');
    expect(holder.status).toBe('acquired');
    const other = createFileLocker({ dir, logger: createMemoryLogger(), staleMs: 5000, fsPlatform: hostFs() });
    const justNow = new Date(Date.now() - 1000);
    for (const lock of lockDirs(dir)) fs.utimesSync(path.join(dir, 'locks', lock), justNow, justNow);
    expect((await other.tryLock('token-x')).status).toBe('busy');
    const ahead = new Date(Date.now() + 60_000);
    for (const lock of lockDirs(dir)) fs.utimesSync(path.join(dir, 'locks', lock), ahead, ahead);
    const attempt = await other.tryLock('token-x');
    expect(attempt.status).toBe('acquired');
    if (attempt.status === 'acquired') await attempt.release();
  });

  it('answers busy for a lock another process visibly holds without running the lock library', async () => {
    const dir = makeTempDir();
    const holder = await createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() }).tryLock('token-x');
    expect(holder.status).toBe('acquired');
    const lock = jest.fn(() => {
      throw new Error('proper-lockfile was run');
    });
    let isolated: typeof import('../../../src/lock/file-locker') | undefined;
    jest.isolateModules(() => {
      jest.doMock('proper-lockfile', () => ({ lock }));
      isolated = require('../../../src/lock/file-locker');
    });
    const waiter = isolated?.createFileLocker({ dir, logger: createMemoryLogger(), fsPlatform: hostFs() });
    expect((await waiter?.tryLock('token-x'))?.status).toBe('busy');
    expect(lock).not.toHaveBeenCalled();
    if (holder.status === 'acquired') await holder.release();
  });

  it('reports locking as unavailable when the directory cannot be created', async () => {
    const base = makeTempDir();
    fs.writeFileSync(path.join(base, 'file'), '');
    const locker = createFileLocker({ dir: path.join(base, 'file', 'cache'), logger: createMemoryLogger(), fsPlatform: hostFs() });
    expect(await locker.tryLock('token-x')).toEqual({ status: 'unavailable', reason: 'ENOTDIR' });
  });
});
