import type { TokenSource } from '../aws/token-source';
import { HelperError } from '../errors';
import { sha256Hex } from '../hash';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { CacheWriteError, type CachedToken, type TokenStore } from '../store/token-store';
import { isFresh, isUsable } from './freshness';
import { type Locker, withLock } from './with-lock';

export interface ResolveTokenDeps {
  readonly store: TokenStore;
  /** Makes concurrent cold calls for one registry and identity share one ECR call. */
  readonly locker: Locker;
  /** Loaded only on a cache miss: the AWS SDK is heavy and the hit path must stay light. */
  readonly loadTokenSource: () => Promise<TokenSource>;
  /** Local identity fingerprint material (see `aws/identity-fingerprint`). */
  readonly identity: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: Logger;
  /** How long to wait for another process fetching the same token (default 20 s). */
  readonly maxLockWaitMs?: number;
}

/** Long enough for a slow ECR call with retries; short of kubelet's one-minute limit. */
const DEFAULT_MAX_LOCK_WAIT_MS = 20_000;

/** Lock name per registry and identity; hashed so identity material never names a file. */
function formatLockName(host: string, identity: string): string {
  return `token-${sha256Hex(`${host}\0${identity}`).slice(0, 24)}`;
}

/**
 * Returns a token for the registry: from the cache when fresh, else from ECR (then cached).
 * A miss takes a per-registry, per-identity lock, so that of N processes starting cold only
 * one calls ECR; the others wait and read its result from the cache. When a refresh fails
 * but the cached token is still valid, that token is used with a warning; an expired token
 * is never handed out.
 */
export async function resolveToken(registry: Registry, deps: ResolveTokenDeps): Promise<CachedToken> {
  const { store, identity, logger, now } = deps;
  const readFresh = async (): Promise<CachedToken | undefined> => {
    const token = await store.get(registry.host, identity);
    return token && isFresh(token, now()) ? token : undefined;
  };

  const hit = await readFresh();
  if (hit) {
    logger.debug(`cache hit for ${registry.host}`);
    return hit;
  }

  return withLock(
    deps.locker,
    formatLockName(registry.host, identity),
    { logger, now, sleep: deps.sleep, maxWaitMs: deps.maxLockWaitMs ?? DEFAULT_MAX_LOCK_WAIT_MS, whileWaiting: readFresh },
    async () => {
      // Another process may have fetched it while we were taking the lock.
      const cached = await store.get(registry.host, identity);
      if (cached && isFresh(cached, now())) return cached;
      logger.debug(cached ? `cached token for ${registry.host} is due for refresh` : `cache miss for ${registry.host}`);
      return fetchAndStore(registry, cached, deps);
    },
  );
}

async function fetchAndStore(registry: Registry, cached: CachedToken | undefined, deps: ResolveTokenDeps): Promise<CachedToken> {
  const { store, identity, logger, now } = deps;
  let token: CachedToken;
  try {
    const source = await deps.loadTokenSource();
    const issuedAt = now();
    const fetched = await source.getAuthorizationToken(registry);
    token = {
      host: registry.host,
      username: fetched.username,
      password: fetched.password,
      issuedAt,
      expiresAt: fetched.expiresAt.getTime(),
    };
  } catch (error) {
    if (cached && isUsable(cached, now())) {
      const why = error instanceof HelperError ? error.message : String(error);
      logger.tell(
        `refreshing the token for ${registry.host} failed (${why}); using the cached token, valid until ${new Date(cached.expiresAt).toISOString()}`,
      );
      return cached;
    }
    throw error;
  }

  logger.addSecret(token.password);
  try {
    await store.put(identity, token);
  } catch (error) {
    if (!(error instanceof CacheWriteError)) throw error;
    logger.tell(`${error.message}; continuing without caching`);
  }
  return token;
}
