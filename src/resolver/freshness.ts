import type { CachedToken } from '../store/token-store';

/**
 * A token is handed out only while at least this long remains: a client may keep using it
 * for a push that takes minutes after `get` returns.
 */
export const MIN_REMAINING_MS = 5 * 60 * 1000;

/**
 * ECR tokens live 12 hours, as do the longest AssumeRole sessions (role credentials are cached
 * as entries too): a cached lifetime beyond this (plus slack) was not AWS's.
 */
const MAX_LIFETIME_MS = 12 * 3600_000 + 10 * 60_000;
/** Clocks of processes on one machine agree; an `issuedAt` this far ahead means the clock stepped back. */
const MAX_FUTURE_ISSUE_MS = 60_000;

/**
 * Plausible: issued in the past (not after a clock stepped back) and not longer-lived than an
 * ECR token. Anything else is not trusted from the cache, however fresh it looks — a token or a
 * role's credentials (see `registry-credentials`).
 */
export function isPlausible(token: CachedToken, now: number): boolean {
  return token.issuedAt <= now + MAX_FUTURE_ISSUE_MS && token.expiresAt - token.issuedAt <= MAX_LIFETIME_MS;
}

/** Fresh: younger than half its lifetime (the reference helper's rule). No refresh needed. */
export function isFresh(token: CachedToken, now: number): boolean {
  const halfLife = token.issuedAt + (token.expiresAt - token.issuedAt) / 2;
  return now < halfLife && isUsable(token, now);
}

/** At least `MIN_REMAINING_MS` left: the test for a token just fetched. */
export function hasTimeLeft(token: CachedToken, now: number): boolean {
  return now < token.expiresAt - MIN_REMAINING_MS;
}

/** Usable from the cache: plausible, with time left. Nothing else is handed out from it. */
export function isUsable(token: CachedToken, now: number): boolean {
  return isPlausible(token, now) && hasTimeLeft(token, now);
}
