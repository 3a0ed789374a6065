import type { TokenSource } from '../aws/token-source';
import { HelperError, TokenFetchError } from '../errors';
import type { Locker } from '../lock/locker';
import { withLock } from '../lock/with-lock';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { type CachedToken, CacheWriteError, type TokenStore } from '../store/token-store';
import { isFresh, isUsable } from './freshness';

export interface ResolveTokenDeps {
  readonly store: TokenStore;
  /** Makes concurrent cold calls for one registry and identity share one ECR call. */
  readonly locker: Locker;
  /** Loaded only on a cache miss: the AWS SDK is heavy and the hit path must stay light. */
  readonly loadTokenSource: () => Promise<TokenSource>;
  /** Local identity fingerprint material (see `aws/identity-fingerprint`). */
  readonly identity: string;
  readonly now: () => number;
  /** Lock waits; default real time. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger: Logger;
  /** How long to wait for another process fetching the same token (default 20 s). */
  readonly maxLockWaitMs?: number;
}

/** Long enough for a slow ECR call with retries; short of kubelet's one-minute limit. */
const DEFAULT_MAX_LOCK_WAIT_MS = 20_000;

/**
 * Returns a token for the registry: from the cache when fresh, else from ECR (then cached).
 * A miss takes a per-registry, per-identity lock, so that of N processes starting cold only
 * one calls ECR; the others wait and read its result from the cache. A token with less than
 * `MIN_REMAINING_MS` of life is never handed out, whether cached or just fetched (a fetched
 * one like that counts as a failed fetch: a wrong clock, or an endpoint that is not ECR).
 * When a refresh fails but the cached token is still usable, that token is used with a
 * warning.
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
    `token\0${registry.host}\0${identity}`,
    {
      logger,
      label: `token lock for ${registry.host}`,
      now,
      sleep: deps.sleep,
      maxWaitMs: deps.maxLockWaitMs ?? DEFAULT_MAX_LOCK_WAIT_MS,
      whileWaiting: readFresh,
    },
    async () => {
      // Another process may have fetched it while we were taking the lock.
      const cached = await store.get(registry.host, identity);
      if (cached && isFresh(cached, now())) return cached;
      logger.debug(cached ? `cached token for ${registry.host} is due for refresh` : `cache miss for ${registry.host}`);
      return fetchAndStore(registry, cached, deps);
    },
  );
}

async function fetchToken(registry: Registry, deps: ResolveTokenDeps): Promise<CachedToken> {
  const source = await deps.loadTokenSource();
  const issuedAt = deps.now();
  const fetched = await source.getAuthorizationToken(registry);
  const token = {
    host: registry.host,
    username: fetched.username,
    password: fetched.password,
    issuedAt,
    expiresAt: fetched.expiresAt.getTime(),
  };
  deps.logger.addSecret(token.password);
  if (!isUsable(token, deps.now())) {
    const seconds = Math.round((token.expiresAt - deps.now()) / 1000);
    throw new TokenFetchError(
      'invalid-response',
      `ECR returned a token for ${registry.host} that expires at ${fetched.expiresAt.toISOString()} (${seconds} s from now), too soon to use: check the system clock`,
    );
  }
  return token;
}

async function fetchAndStore(registry: Registry, cached: CachedToken | undefined, deps: ResolveTokenDeps): Promise<CachedToken> {
  const { store, identity, logger, now } = deps;
  let token: CachedToken;
  try {
    token = await fetchToken(registry, deps);
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

  try {
    await store.put(identity, token);
  } catch (error) {
    if (!(error instanceof CacheWriteError)) throw error;
    logger.tell(`${error.message}; continuing without caching`);
  }
  return token;
}
