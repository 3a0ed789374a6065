import type { TokenRequestOptions, TokenSource, WebIdentity } from '../aws/token-source';
import { HelperError, TokenFetchError } from '../errors';
import { type Locker, NO_LOCKER } from '../lock/locker';
import { withLock } from '../lock/with-lock';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { createNullStore } from '../store/null-store';
import { type CachedToken, CacheWriteError, type TokenStore } from '../store/token-store';
import { hasTimeLeft, isFresh, isUsable } from './freshness';

export interface ResolveTokenDeps {
  readonly store: TokenStore;
  /** Makes concurrent cold calls for one registry and identity share one ECR call. */
  readonly locker: Locker;
  /** Loaded only on a cache miss: the AWS SDK is heavy and the hit path must stay light. */
  readonly loadTokenSource: () => Promise<TokenSource>;
  /** Local identity fingerprint material (see `aws/identity-fingerprint`, `registry-credentials`). */
  readonly identity: string;
  /** How a miss fetches the token (the registry's profile or role); default the default chain. */
  readonly request?: TokenRequestOptions;
  readonly now: () => number;
  /** Lock waits; default real time. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger: Logger;
  /** How long to wait for another process fetching the same token (default 20 s). */
  readonly maxLockWaitMs?: number;
}

/**
 * What `get` and kubelet hand out. `expiresAt` (epoch ms) is undefined only for a token that
 * came without an expiry, which is used once and never cached.
 */
export interface ResolvedToken {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: number | undefined;
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
export async function resolveToken(registry: Registry, deps: ResolveTokenDeps): Promise<ResolvedToken> {
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

/** A fetched token; `cacheable` false when it came without an expiry. */
type Fetched = { readonly cacheable: true; readonly token: CachedToken } | { readonly cacheable: false; readonly token: ResolvedToken };

async function fetchToken(registry: Registry, deps: ResolveTokenDeps): Promise<Fetched> {
  const source = await deps.loadTokenSource();
  const issuedAt = deps.now();
  const fetched = await source.getAuthorizationToken(registry, deps.request);
  deps.logger.addSecret(fetched.password);
  const { username, password, expiresAt } = fetched;
  if (!expiresAt) {
    deps.logger.warn(`the token for ${registry.host} came without an expiry time; using it once, not caching it`);
    return { cacheable: false, token: { username, password, expiresAt: undefined } };
  }
  const token = { host: registry.host, username, password, issuedAt, expiresAt: expiresAt.getTime() };
  if (!hasTimeLeft(token, deps.now())) {
    const seconds = Math.round((token.expiresAt - deps.now()) / 1000);
    throw new TokenFetchError(
      'invalid-response',
      `ECR returned a token for ${registry.host} that expires at ${expiresAt.toISOString()} (${seconds} s from now), too soon to use: check the system clock`,
    );
  }
  return { cacheable: true, token };
}

async function fetchAndStore(registry: Registry, cached: CachedToken | undefined, deps: ResolveTokenDeps): Promise<ResolvedToken> {
  const { store, identity, logger, now } = deps;
  let fetched: Fetched;
  try {
    fetched = await fetchToken(registry, deps);
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

  if (!fetched.cacheable) return fetched.token;
  try {
    await store.put(identity, fetched.token);
  } catch (error) {
    if (!(error instanceof CacheWriteError)) throw error;
    logger.tell(`${error.message}; continuing without caching`);
  }
  return fetched.token;
}

export interface WebIdentityTokenDeps {
  readonly loadTokenSource: () => Promise<TokenSource>;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * A token fetched as the role `webIdentity` names (kubelet's service-account mode): with the
 * same freshness rules as `resolveToken`, but never read from or written to the shared cache
 * — it belongs to one service account, and kubelet caches it per service account itself.
 */
export async function resolveTokenWithWebIdentity(
  registry: Registry,
  webIdentity: WebIdentity,
  deps: WebIdentityTokenDeps,
): Promise<ResolvedToken> {
  return resolveToken(registry, {
    ...deps,
    store: createNullStore(),
    locker: NO_LOCKER,
    identity: '',
    loadTokenSource: async () => {
      const source = await deps.loadTokenSource();
      return { getAuthorizationToken: (r) => source.getAuthorizationToken(r, { webIdentity }) };
    },
  });
}
