/** The outcome of one attempt to take a named cross-process lock. */
export type LockAttempt =
  | {
      readonly status: 'acquired';
      readonly release: () => Promise<void>;
      /**
       * Whether this process still holds the lock. A holder that stalled (a slow fsync, SIGSTOP)
       * can have its lock taken over as stale; it asks before the step that must not race.
       */
      readonly isStillHeld: () => boolean;
    }
  /** Another process holds it. */
  | { readonly status: 'busy' }
  /** Locking is impossible here (read-only or missing directory): go on without. */
  | { readonly status: 'unavailable'; readonly reason: string };

/**
 * Named cross-process locks. A name may carry identity material: an implementation must
 * not show it (the file locker names its files by a salted hash). The real one is
 * `createFileLocker`; unit tests use an in-memory one.
 */
export interface Locker {
  tryLock(name: string): Promise<LockAttempt>;
  /**
   * Claims `name` for `forMs` from `nowMs`, without waiting: true when no other claim of it is
   * younger than that (this one then stands), false while another does. For work that one
   * process should start on behalf of many, such as a background token refresh. Without it (or
   * when claims cannot be kept here) every caller may go ahead.
   */
  claim?(name: string, nowMs: number, forMs: number): boolean;
  /**
   * How a process waiting for a busy lock learns that the locks changed (one released, taken
   * or refreshed), so that it looks again at once. Without it the waits are plain timers.
   */
  readonly changes?: LockChanges;
}

/** See `Locker.changes`. */
export interface LockChanges {
  /** Starts watching (again and again: once) and says whether changes can be seen here now. */
  watch(): boolean;
  /** Waits until the locks change or `maxMs` passed, whichever is first. */
  wait(maxMs: number): Promise<void>;
}

/** For stores that share nothing between processes. */
export const NO_LOCKER: Locker = { tryLock: async () => ({ status: 'unavailable', reason: 'no shared cache' }) };
