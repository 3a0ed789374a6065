/** A token as the cache keeps it. Times are epoch milliseconds. */
export interface CachedToken {
  readonly host: string;
  readonly username: string;
  readonly password: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Where tokens are cached between processes. `identity` is the local identity fingerprint
 * material; a store keeps only a salted hash of it, never the material itself.
 */
export interface TokenStore {
  get(host: string, identity: string): Promise<CachedToken | undefined>;
  /** Saves a token; may throw `CacheWriteError`, which callers treat as "not cached". */
  put(identity: string, token: CachedToken): Promise<void>;
  /** Unexpired tokens of this identity. */
  list(identity: string): Promise<CachedToken[]>;
}

/** A cache write failed (read-only directory, full disk, …). The token is still good. */
export class CacheWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheWriteError';
  }
}
