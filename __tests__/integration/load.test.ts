import { useEmulator } from '../helpers/emulator-fixture';
import { runLoadScenario } from '../helpers/load-scenario';

const emulator = useEmulator();

describe('under load, with processes killed at random (file cache)', () => {
  it('100 cold gets over 60 registries and 3 identities: every served entry is cached, and a second round calls ECR only for what was never served', async () => {
    emulator.faults.delayMs = 50;
    const outcome = await runLoadScenario(emulator, { processes: 100, registries: 60 });
    expect(outcome.first.filter(({ out }) => out.signal === null && out.code !== 0).map(({ out }) => out.stderr)).toEqual([]);
    expect(outcome.killed).toBeGreaterThan(5);
    expect(outcome.missing).toEqual([]);
    expect(outcome.second.filter((r) => r.code !== 0).map((r) => `${r.code} ${r.stderr}`)).toEqual([]);
    expect(emulator.calls.filter((c) => c.service === 'ecr')).toHaveLength(outcome.neverServed);
  }, 180_000);
});
