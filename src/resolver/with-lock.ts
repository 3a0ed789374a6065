import type { Logger } from '../log';

/** The outcome of one attempt to take a named cross-process lock. */
export type LockAttempt =
  | { readonly status: 'acquired'; readonly release: () => Promise<void> }
  /** Another process holds it. */
  | { readonly status: 'busy' }
  /** Locking is impossible here (read-only or missing directory): go on without. */
  | { readonly status: 'unavailable'; readonly reason: string };

/** Named cross-process locks. The file implementation is `store/file-locker`. */
export interface Locker {
  tryLock(name: string): Promise<LockAttempt>;
}

/** Real time, for callers that are not given a sleep to use. */
export function sleepFor(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** For stores that share nothing between processes. */
export const NO_LOCKER: Locker = { tryLock: async () => ({ status: 'unavailable', reason: 'no shared cache' }) };

export interface WithLockOptions<T> {
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Give up waiting after this long and run without the lock rather than fail or hang. */
  readonly maxWaitMs: number;
  /** Pause between attempts (plus up to as much again of jitter). */
  readonly pollMs?: number;
  /** Checked while waiting: a result here (another process finished the work) ends the wait. */
  readonly whileWaiting?: () => Promise<T | undefined>;
}

/**
 * Runs `fn` holding the named lock. While another process holds it, waits — polling
 * `whileWaiting`, which usually finds the other process's result — for at most `maxWaitMs`,
 * then runs `fn` anyway: a stuck lock costs time, never the answer.
 */
export async function withLock<T>(locker: Locker, name: string, options: WithLockOptions<T>, fn: () => Promise<T>): Promise<T> {
  const { logger, now, sleep, maxWaitMs } = options;
  const pollMs = options.pollMs ?? 40;
  const started = now();
  for (;;) {
    const attempt = await locker.tryLock(name);
    if (attempt.status === 'acquired') {
      try {
        return await fn();
      } finally {
        await attempt.release().catch((error: unknown) => logger.warn(`releasing lock ${name} failed: ${String(error)}`));
      }
    }
    if (attempt.status === 'unavailable') {
      logger.debug(`no lock ${name}: ${attempt.reason}`);
      return fn();
    }
    const early = await options.whileWaiting?.();
    if (early !== undefined) return early;
    if (now() - started >= maxWaitMs) {
      logger.warn(`waited ${maxWaitMs} ms for lock ${name}; going on without it`);
      return fn();
    }
    await sleep(pollMs + Math.random() * pollMs);
  }
}
