import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

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
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(cacheDir, 'cache.json'), 'utf8')).entries)).toHaveLength(16);
  });

  it('a lock held by a killed process is taken over after a bounded time', async () => {
    emulator.faults.delayMs = 10_000;
    const { env } = environment();
    const victim = startHelper(['get'], HOST, env);
    // Wait until the victim is inside its ECR call (holding the lock), then kill it.
    const deadline = Date.now() + 5000;
    while (emulator.inFlight() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(emulator.inFlight()).toBe(1);
    victim.child.kill('SIGKILL');
    await victim.result;
    emulator.faults.delayMs = 0;
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    // Stale after 5 s without a refresh from the dead holder, plus start-up and the ECR call.
    expect(out.ms).toBeGreaterThan(2000);
    expect(out.ms).toBeLessThan(9000);
    expect(ecrCalls().filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(1);
  });

  it('processes killed at random moments never leave a corrupt cache file', async () => {
    emulator.faults.delayMs = 20;
    const { env, cacheDir } = environment();
    const file = path.join(cacheDir, 'cache.json');
    for (let round = 0; round < 6; round += 1) {
      const runs = Array.from({ length: 6 }, (_, i) =>
        startHelper(['get'], `${String(200000000000 + round * 10 + i)}.dkr.ecr.us-east-1.amazonaws.com`, env),
      );
      await new Promise((r) => setTimeout(r, 80 + round * 40));
      for (const run of runs) run.child.kill('SIGKILL');
      await Promise.all(runs.map((r) => r.result));
      if (fs.existsSync(file)) expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
    }
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).version).toBe(1);
  });
});
