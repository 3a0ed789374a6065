import type { LockAttempt, LockChanges, Locker } from '../../../src/lock/locker';
import { withLock } from '../../../src/lock/with-lock';
import { createMemoryLogger } from '../../helpers/fakes';

/*
 * How withLock waits for a busy lock: what it does in which order (the holder's result is
 * looked for before the lock is tried again after a wait), and the pauses it waits, on a
 * locker that can see changes and one that cannot.
 */

/** A locker whose lock stays busy; its `changes` (when `watching` is given) watch or not. Everything done is logged. */
function scriptedLocker(watching: boolean | undefined) {
  const log: string[] = [];
  const changes: LockChanges = {
    watch: () => {
      log.push('watch');
      return watching === true;
    },
    wait: async (ms) => {
      log.push(`wait ${ms}`);
    },
  };
  const locker: Locker = {
    tryLock: async (): Promise<LockAttempt> => {
      log.push('tryLock');
      return { status: 'busy' };
    },
    ...(watching === undefined ? {} : { changes }),
  };
  return { locker, log };
}

/**
 * Runs withLock until the holder's result shows on the `lookups`th look; with `injectSleep`,
 * a sleep of the test's own (then the only wait there is).
 */
async function waitForHolder(locker: Locker, log: string[], lookups: number, injectSleep = false): Promise<string> {
  let looks = 0;
  const sleep = async (ms: number): Promise<void> => {
    log.push(`sleep ${ms}`);
  };
  return withLock(
    locker,
    'token-x',
    {
      logger: createMemoryLogger(),
      label: 'token lock',
      now: () => 0,
      maxWaitMs: 20_000,
      ...(injectSleep ? { sleep } : {}),
      whileWaiting: async () => {
        looks += 1;
        log.push('look');
        return looks >= lookups ? 'from-holder' : undefined;
      },
    },
    async () => 'fetched-myself',
  );
}

/** The log with each pause replaced by the range it must fall in. */
function withRanges(log: string[], ranges: Record<string, [number, number]>): string[] {
  return log.map((line) => {
    const [what, ms] = line.split(' ');
    if (ms === undefined) return line;
    const n = Number(ms);
    const range = Object.entries(ranges).find(([, [low, high]]) => n >= low && n < high)?.[0];
    return `${what} ${range ?? `${n} (out of range)`}`;
  });
}

describe('withLock waiting for a busy lock', () => {
  it('with changes watched: waits on them (25 ms doubling, with jitter), and after each looks for the result before trying the lock', async () => {
    const { locker, log } = scriptedLocker(true);
    expect(await waitForHolder(locker, log, 3)).toBe('from-holder');
    expect(withRanges(log, { '25-50': [25, 50], '50-100': [50, 100] })).toEqual([
      'tryLock',
      'watch',
      'look',
      'wait 25-50',
      'look',
      'tryLock',
      'watch',
      'wait 50-100',
      'look',
    ]);
  });

  it('where changes cannot be seen: the short timer schedule (5 ms doubling), as without them', async () => {
    for (const watching of [false, undefined]) {
      const { locker, log } = scriptedLocker(watching);
      // The timer's waits, as they are asked for (each ended at once).
      const timer = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms: number) => {
        log.push(`sleep ${ms}`);
        return setImmediate(fn);
      }) as never);
      try {
        expect(await waitForHolder(locker, log, 3)).toBe('from-holder');
      } finally {
        timer.mockRestore();
      }
      const watched = watching === undefined ? [] : ['watch'];
      expect(withRanges(log, { '5-10': [5, 10], '10-20': [10, 20] })).toEqual([
        'tryLock',
        ...watched,
        'look',
        'sleep 5-10',
        'look',
        'tryLock',
        ...watched,
        'sleep 10-20',
        'look',
      ]);
    }
  });

  it("an injected sleep (a test's clock) is the wait even where changes are watched", async () => {
    const { locker, log } = scriptedLocker(true);
    expect(await waitForHolder(locker, log, 2, true)).toBe('from-holder');
    expect(withRanges(log, { '5-10': [5, 10] })).toEqual(['tryLock', 'look', 'sleep 5-10', 'look']);
  });

  it('with changes watched, the bound still holds: past maxWaitMs it goes on without the lock, or refuses when the lock is required', async () => {
    for (const required of [false, true]) {
      let clock = 0;
      const locker: Locker = {
        tryLock: async () => ({ status: 'busy' }),
        changes: {
          watch: () => true,
          wait: async (ms) => {
            clock += ms;
          },
        },
      };
      const run = withLock(
        locker,
        'token-x',
        {
          logger: createMemoryLogger(),
          label: 'token lock',
          now: () => clock,
          maxWaitMs: 1000,
          whileWaiting: async () => undefined,
          required,
        },
        async () => 'without-the-lock',
      );
      if (required) await expect(run).rejects.toThrow('could not take the token lock: busy for 1000 ms');
      else expect(await run).toBe('without-the-lock');
      expect(clock).toBeGreaterThanOrEqual(1000);
    }
  });
});
