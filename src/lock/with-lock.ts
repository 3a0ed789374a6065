import type { Logger } from '../log';
import type { Locker } from './locker';

/** Real time: what lock waits use unless a test gives them a clock of its own. */
function sleepFor(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Pauses between attempts to take a busy lock: the first `FIRST_POLL_MS`, doubled after each
 * attempt up to `POLL_MS`, each plus up to as much again of jitter. Short at first because the
 * usual holder is a cold get whose token arrives within tens of milliseconds: 24 gets at once
 * used to sleep 40–80 ms past it. When the locker can tell when the locks change
 * (`changes` watching: the holder's release wakes the waiters), the pauses only bound a wait
 * that no change ends: `WATCHED_FIRST_POLL_MS` up to `WATCHED_POLL_MS`, so that 23 processes
 * waiting on one fetch do not each look again every few milliseconds.
 */
const FIRST_POLL_MS = 5;
const POLL_MS = 40;
const WATCHED_FIRST_POLL_MS = 25;
const WATCHED_POLL_MS = 100;

export interface WithLockOptions<T> {
  readonly logger: Logger;
  /** The lock as log lines name it (`token lock for <host>`); the name may carry identity material. */
  readonly label: string;
  readonly now: () => number;
  /** Default: `sleepFor` (real time). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Give up waiting after this long and run without the lock rather than fail or hang. */
  readonly maxWaitMs: number;
  /** Checked while waiting: a result here (another process finished the work) ends the wait. */
  readonly whileWaiting?: () => Promise<T | undefined>;
  /**
   * Never run `fn` without the lock: when it cannot be had (busy past `maxWaitMs`, or locking
   * impossible), throw `LockNotAcquiredError` instead. For writes, which must not race.
   */
  readonly required?: boolean;
}

/** A required lock could not be had; `reason` says why (`busy`, or why locking is impossible). */
export class LockNotAcquiredError extends Error {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`could not take the ${label}: ${reason}`);
    this.name = 'LockNotAcquiredError';
  }
}

/** What `fn` gets: a way to ask whether the lock is still its own (always true without a lock). */
export interface HeldLock {
  isStillHeld(): boolean;
}

const NO_LOCK: HeldLock = { isStillHeld: () => true };

/**
 * Runs `fn` holding the named lock. While another process holds it, waits — polling
 * `whileWaiting`, which usually finds the other process's result — for at most `maxWaitMs`,
 * then runs `fn` anyway: a stuck lock costs time, never the answer. With `required`, `fn`
 * runs only under the lock (see `LockNotAcquiredError`).
 */
export async function withLock<T>(
  locker: Locker,
  name: string,
  options: WithLockOptions<T>,
  fn: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const { logger, now, maxWaitMs, label } = options;
  const sleep = options.sleep ?? sleepFor;
  const started = now();
  let pause: number | undefined;
  for (let woken = false; ; woken = true) {
    // After a wait, the holder's result first: a release wakes every waiter at once, and the
    // cache usually has what they wait for (no lock library loaded, no race for the lock).
    if (woken) {
      const early = await options.whileWaiting?.();
      if (early !== undefined) return early;
    }
    const attempt = await locker.tryLock(name);
    if (attempt.status === 'acquired') {
      try {
        return await fn(attempt);
      } finally {
        await attempt.release().catch((error: unknown) => logger.warn(`releasing the ${label} failed: ${String(error)}`));
      }
    }
    if (attempt.status === 'unavailable') {
      logger.debug(`no ${label}: ${attempt.reason}`);
      if (options.required) throw new LockNotAcquiredError(label, attempt.reason);
      return fn(NO_LOCK);
    }
    // Busy. Watching starts before the first look, so that a release right after it is seen.
    // An injected `sleep` (a test's clock) is the only wait there is.
    const watching = options.sleep === undefined && locker.changes?.watch() === true;
    if (!woken) {
      const early = await options.whileWaiting?.();
      if (early !== undefined) return early;
    }
    if (now() - started >= maxWaitMs) {
      if (options.required) throw new LockNotAcquiredError(label, `busy for ${maxWaitMs} ms`);
      logger.warn(`waited ${maxWaitMs} ms for the ${label}; going on without it`);
      return fn(NO_LOCK);
    }
    pause ??= watching ? WATCHED_FIRST_POLL_MS : FIRST_POLL_MS;
    const ms = pause + Math.random() * pause;
    await (watching && locker.changes ? locker.changes.wait(ms) : sleep(ms));
    pause = Math.min(pause * 2, watching ? WATCHED_POLL_MS : POLL_MS);
  }
}
