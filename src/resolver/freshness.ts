import { isPlausible } from '../store/token-plausibility';
import type { CachedToken } from '../store/token-store';

/**
 * A token is handed out only while at least this long remains: a client may keep using it
 * for a push that takes minutes after `get` returns.
 */
export const MIN_REMAINING_MS = 5 * 60 * 1000;

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
