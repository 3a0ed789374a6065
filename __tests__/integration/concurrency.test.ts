import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { expectPosixMode } from '../helpers/platform';
import { withPreload } from '../helpers/preload/env';
import { runHelper, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const HOST = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com';

const emulator = useEmulator();

function environment() {
  const home = makeTempDir();
  return { cacheDir: path.join(home, '.ecr'), env: { HOME: home, ...emulator.env() } };
}

const ecrCalls = () => emulator.calls.filter((c) => c.service === 'ecr');

describe('many helper processes at once', () => {
  it('24 concurrent cold gets for one registry make one GetAuthorizationToken call', async () => {
    emulator.faults.delayMs = 300;
    const { env } = environment();
    const results = await Promise.all(Array.from({ length: 24 }, () => runHelper(['get'], HOST, env)));
    expect(results.map((r) => r.code)).toEqual(Array(24).fill(0));
    const secrets = new Set(results.map((r) => JSON.parse(r.stdout).Secret));
    expect(secrets.size).toBe(1);
    expect(ecrCalls()).toHaveLength(1);
  });

  it('concurrent writers for different registries keep every entry', async () => {
    const { env, cacheDir } = environment();
    const hosts = Array.from({ length: 16 }, (_, i) => `${String(100000000000 + i)}.dkr.ecr.us-east-1.amazonaws.com`);
    const results = await Promise.all(hosts.map((h) => runHelper(['get'], h, env)));
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(ecrCalls()).toHaveLength(16);
    const list = await runHelper(['list'], '', env);
    expect(Object.keys(JSON.parse(list.stdout)).sort()).toEqual(hosts.map((h) => `https://${h}`).sort());
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cacheDir, 'tokens.json'), 'utf8')).entries)).toHaveLength(16);
  });

  it('a lock held by a killed process is taken over once it goes stale', async () => {
    emulator.faults.delayMs = 10_000;
    const { env } = environment();
    const victim = startHelper(['get'], HOST, env);
    // Wait until the victim is inside its ECR call (holding the lock), then kill it.
    await waitFor(() => emulator.inFlight() === 1, 10_000);
    victim.child.kill('SIGKILL');
    await victim.result;
    emulator.faults.delayMs = 0;
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    // It waited for the dead holder's lock to go stale (5 s without a refresh).
    expect(out.ms).toBeGreaterThanOrEqual(4000);
  });
});

/** Names served before the kill; each test adds one victim after them. */
const SERVED = ['210000000001', '210000000002', '210000000003'].map((account) => `${account}.dkr.ecr.us-east-1.amazonaws.com`);
const VICTIM = '210000000099.dkr.ecr.us-east-1.amazonaws.com';

describe('a writer killed at each point of a cache write', () => {
  it.each([
    ['holding the token lock, before its ECR call', 'lock-acquired:1'],
    ['holding the cache write lock, before reading the file', 'lock-acquired:2'],
    ['right after creating the temp file', 'temp-created'],
    ['with the temp file written, just before the rename', 'before-rename'],
  ])('%s: the cache keeps every served entry and the next calls work', async (_name, point) => {
    const { env, cacheDir } = environment();
    const file = path.join(cacheDir, 'tokens.json');
    for (const host of SERVED) expect((await runHelper(['get'], host, env)).code).toBe(0);
    const before = fs.readFileSync(file, 'utf8');

    const marker = path.join(makeTempDir(), 'paused');
    const victim = startHelper(['get'], VICTIM, withPreload(env, 'pause-at', { TEST_PAUSE_AT: point, TEST_PAUSE_MARKER: marker }));
    await waitFor(() => fs.existsSync(marker), 10_000);
    victim.child.kill('SIGKILL');
    expect((await victim.result).signal).toBe('SIGKILL');

    // The file is exactly what it was: whole, parseable, 0600, with every served entry.
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expectPosixMode(file, 0o600);
    const listed = await runHelper(['list'], '', env);
    expect(Object.keys(JSON.parse(listed.stdout)).sort()).toEqual(SERVED.map((h) => `https://${h}`).sort());

    // The victim's registry gets its token on the next call (after any dead lock goes
    // stale), the served ones straight from the cache.
    emulator.calls.length = 0;
    const again = await runHelper(['get'], VICTIM, env);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    for (const host of SERVED) expect((await runHelper(['get'], host, env)).code).toBe(0);
    expect(ecrCalls().map((c) => c.registryIds[0])).toEqual(['210000000099']);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).entries)).toHaveLength(SERVED.length + 1);
  });
});

describe('a writer that stalls past the lock staleness', () => {
  it('does not clobber what the process that took over its lock wrote', async () => {
    const { env, cacheDir } = environment();
    for (const host of SERVED) expect((await runHelper(['get'], host, env)).code).toBe(0);
    const marker = path.join(makeTempDir(), 'paused');
    // Stalls 7 s right after creating its temp file, holding the write lock unrefreshed.
    const stalled = startHelper(
      ['get'],
      VICTIM,
      withPreload(env, 'pause-at', { TEST_PAUSE_AT: 'temp-created', TEST_PAUSE_MARKER: marker, TEST_PAUSE_MS: '7000' }),
    );
    await waitFor(() => fs.existsSync(marker), 10_000);
    const other = '210000000077.dkr.ecr.us-east-1.amazonaws.com';
    const overtaking = await runHelper(['get'], other, env);
    expect(overtaking).toMatchObject({ code: 0, stderr: '' });
    expect((await stalled.result).code).toBe(0);
    const listed = Object.keys(JSON.parse((await runHelper(['list'], '', env)).stdout));
    expect(listed).toEqual(expect.arrayContaining([...SERVED, other].map((h) => `https://${h}`)));
    expect(fs.readFileSync(path.join(cacheDir, 'log', 'ecr-login.log'), 'utf8')).toContain(
      'not caching the token: the cache write lock was taken over while this process stalled',
    );
  }, 30_000);
});
