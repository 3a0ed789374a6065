import { sha256Hex } from '../hash';
import { finiteNumber, object, parseJsonShape, type Shape, string } from '../json-shape';
import type { Locker } from '../lock/locker';
import { type HeldLock, withLock } from '../lock/with-lock';
import type { Logger } from '../log';
import { isAbsurd, isPlausible } from './token-plausibility';
import type { CachedToken } from './token-store';

/**
 * The rules every token store shares, whatever it keeps entries in (one file, or one
 * keychain item per entry): how an entry is keyed, what a valid entry is, which entries a
 * write keeps, and the lock writers take.
 */

/**
 * The most entries a store keeps. Identities with rotating keys (CI jobs with fresh session
 * keys) each add an entry valid for 12 hours; the cap keeps the store small anyway.
 */
export const MAX_ENTRIES = 64;

/** The entry key: a salted hash of host and identity, so a store reveals no identity. */
export function formatEntryKey(salt: string, host: string, identity: string): string {
  return sha256Hex(`${salt}\0${host}\0${identity}`).slice(0, 40);
}

export const CACHED_TOKEN: Shape<CachedToken> = object({
  host: string,
  username: string,
  password: string,
  issuedAt: finiteNumber,
  expiresAt: finiteNumber,
});

/** Parses a token kept as JSON text; undefined when it is not one. */
export function parseTokenText(text: string): CachedToken | undefined {
  return parseJsonShape(CACHED_TOKEN, text);
}

/** Whether the entry stored under `key` is an unexpired token of this identity (for `list`). */
export function isListedFor(key: string, token: CachedToken, salt: string, identity: string, now: number): boolean {
  return token.expiresAt > now && key === formatEntryKey(salt, token.host, identity);
}

/**
 * Splits a store's entries into those a write keeps, at most `MAX_ENTRIES`, and the keys it
 * drops. Dropped whatever the room: unreadable, expired and absurd entries (`isAbsurd`). Kept
 * first: plausible entries, newest first; then, while there is room, entries issued in the
 * future (written while the clock ran fast), those plausible again soonest first. So after a
 * clock correction a full store of such entries still takes every new token — the cap kept
 * them ahead of real ones, and until they expired every get for a new registry called ECR.
 */
export function pruneEntries(
  entries: Iterable<readonly [string, CachedToken | undefined]>,
  now: number,
): { keep: [string, CachedToken][]; drop: string[] } {
  const plausible: [string, CachedToken][] = [];
  const ahead: [string, CachedToken][] = [];
  const drop: string[] = [];
  for (const [key, token] of entries) {
    if (!token || !(token.expiresAt > now) || isAbsurd(token, now)) drop.push(key);
    else if (isPlausible(token, now)) plausible.push([key, token]);
    else ahead.push([key, token]);
  }
  plausible.sort(([, a], [, b]) => b.issuedAt - a.issuedAt);
  ahead.sort(([, a], [, b]) => a.issuedAt - b.issuedAt);
  const ranked = [...plausible, ...ahead];
  drop.push(...ranked.slice(MAX_ENTRIES).map(([key]) => key));
  return { keep: ranked.slice(0, MAX_ENTRIES), drop };
}

/**
 * A writer waits this long for the others (each holds the lock for a read, a write and an
 * fsync: milliseconds, but dozens of writers queue up on a slow disk).
 */
const MAX_WRITE_LOCK_WAIT_MS = 15_000;

/**
 * Runs a store's write under the `cache-write` lock, which is required: when it cannot be had,
 * `LockNotAcquiredError` (the store decides what its skipped write means), never a write
 * without it.
 */
export function withCacheWriteLock(
  locker: Locker,
  logger: Logger,
  now: () => number,
  fn: (lock: HeldLock) => Promise<void>,
): Promise<void> {
  return withLock(locker, 'cache-write', { logger, label: 'cache write lock', now, maxWaitMs: MAX_WRITE_LOCK_WAIT_MS, required: true }, fn);
}
