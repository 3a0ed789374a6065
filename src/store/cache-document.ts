import { randomHex, sha256Hex } from '../hash';
import type { CachedToken } from './token-store';

/** Bump when the layout changes; a file of another version is rebuilt, not misread. */
export const CACHE_VERSION = 1;

/** The JSON kept in `cache.json`. */
export interface CacheDocument {
  readonly version: typeof CACHE_VERSION;
  /** Random per file; makes the identity hashes useless outside this file. */
  readonly salt: string;
  readonly entries: Readonly<Record<string, CachedToken>>;
}

export function createEmptyDocument(): CacheDocument {
  return { version: CACHE_VERSION, salt: randomHex(16), entries: {} };
}

/** The entry key: a salted hash of host and identity, so the file reveals no identity. */
export function formatEntryKey(salt: string, host: string, identity: string): string {
  return sha256Hex(`${salt}\0${host}\0${identity}`).slice(0, 40);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows one stored token; undefined when malformed. */
function parseCachedToken(value: unknown): CachedToken | undefined {
  if (!isRecord(value)) return undefined;
  const { host, username, password, issuedAt, expiresAt } = value;
  if (
    typeof host !== 'string' ||
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    typeof issuedAt !== 'number' ||
    typeof expiresAt !== 'number' ||
    !Number.isFinite(issuedAt) ||
    !Number.isFinite(expiresAt)
  ) {
    return undefined;
  }
  return { host, username, password, issuedAt, expiresAt };
}

/**
 * Narrows parsed JSON to a cache document. Returns undefined when the whole file is
 * unusable (wrong version, wrong shape); drops single malformed entries.
 */
export function parseCacheDocument(value: unknown): CacheDocument | undefined {
  if (!isRecord(value) || value['version'] !== CACHE_VERSION) return undefined;
  const { salt, entries } = value;
  if (typeof salt !== 'string' || !/^[0-9a-f]{16,}$/.test(salt) || !isRecord(entries)) return undefined;
  const kept: Record<string, CachedToken> = {};
  for (const [key, raw] of Object.entries(entries)) {
    const token = parseCachedToken(raw);
    if (token) kept[key] = token;
  }
  return { version: CACHE_VERSION, salt, entries: kept };
}

/**
 * The most entries a cache file keeps. Identities with rotating keys (CI jobs with fresh
 * session keys) each add an entry valid for 12 hours; the cap keeps the file small anyway.
 */
export const MAX_ENTRIES = 64;

/** A copy without expired entries and, past `maxEntries`, without the oldest ones. */
export function pruneDocument(doc: CacheDocument, now: number, maxEntries: number): CacheDocument {
  const live = Object.entries(doc.entries).filter(([, t]) => t.expiresAt > now);
  live.sort(([, a], [, b]) => b.issuedAt - a.issuedAt);
  return { ...doc, entries: Object.fromEntries(live.slice(0, maxEntries)) };
}

/** Parses a token kept as JSON text; undefined when it is not one. */
export function parseTokenText(text: string): CachedToken | undefined {
  try {
    return parseCachedToken(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Whether the entry stored under `key` is an unexpired token of this identity (for `list`). */
export function isListedFor(key: string, token: CachedToken, salt: string, identity: string, now: number): boolean {
  return token.expiresAt > now && key === formatEntryKey(salt, token.host, identity);
}
