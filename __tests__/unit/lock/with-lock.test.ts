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

/** Runs withLock until the holder's result shows on the `lookups`th look. */
async function waitForHolder(locker: Locker, log: string[], lookups: number): Promise<string> {
  let looks = 0;
  return withLock(
    locker,
    'token-x',
    {
      logger: createMemoryLogger(),
      label: 'token lock',
      now: () => 0,
      maxWaitMs: 20_000,
      sleep: async (ms) => {
        log.push(`sleep ${ms}`);
      },
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
      expect(await waitForHolder(locker, log, 3)).toBe('from-holder');
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
});
