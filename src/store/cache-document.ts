import { randomHex } from '../hash';
import { literal, matching, object, parseJsonShape, recordOf } from '../json-shape';
import { CACHED_TOKEN } from './token-entries';
import type { CachedToken } from './token-store';

/** Bump when the layout changes; a file of another version is rebuilt, not misread. */
const CACHE_VERSION = 1;

/** The JSON kept in `tokens.json`. */
export interface CacheDocument {
  readonly version: typeof CACHE_VERSION;
  /** Random per file; makes the identity hashes useless outside this file. */
  readonly salt: string;
  readonly entries: Readonly<Record<string, CachedToken>>;
}

const CACHE_DOCUMENT = object({
  version: literal(CACHE_VERSION),
  salt: matching(/^[0-9a-f]{16,}$/, 'hex of at least 16 digits'),
  // One malformed entry costs that entry, not the file.
  entries: recordOf(CACHED_TOKEN, { dropInvalid: true }),
});

export function createEmptyDocument(): CacheDocument {
  return { version: CACHE_VERSION, salt: randomHex(16), entries: {} };
}

/** Parses the file's text; undefined when the whole file is unusable (not JSON, wrong version or shape). */
export function parseCacheDocument(text: string): CacheDocument | undefined {
  return parseJsonShape(CACHE_DOCUMENT, text);
}
