import type { CachedToken } from './token-store';

/**
 * Which cached entries can be trusted, by their times alone — the rule the resolver reads
 * entries by and the one a store's cap keeps entries by, so that the cap never keeps an entry
 * the resolver would not use ahead of one it would.
 */

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
 * role's credentials (see `resolver/registry-credentials`).
 */
export function isPlausible(token: CachedToken, now: number): boolean {
  return token.issuedAt <= now + MAX_FUTURE_ISSUE_MS && token.expiresAt - token.issuedAt <= MAX_LIFETIME_MS;
}

/**
 * Absurd: an entry no clock correction can make plausible, so never worth keeping — times that
 * are not finite numbers, an expiry not after the issue, a lifetime no token has, or an issue
 * time more than a token's lifetime ahead. (A process whose clock ran that fast caches nothing:
 * ECR's expiry, 12 h after the real time, would already have passed by its clock.) An entry
 * issued less far ahead was written while the clock ran fast, and is plausible again once
 * the clock has caught up with it.
 */
export function isAbsurd(token: CachedToken, now: number): boolean {
  const { issuedAt, expiresAt } = token;
  if (!Number.isFinite(issuedAt) || !Number.isFinite(expiresAt) || expiresAt <= issuedAt) return true;
  return expiresAt - issuedAt > MAX_LIFETIME_MS || issuedAt > now + MAX_LIFETIME_MS;
}
