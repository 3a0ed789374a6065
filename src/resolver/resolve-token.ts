import type { TokenRequestOptions, TokenSource, WebIdentity } from '../aws/token-source';
import { HelperError, TokenFetchError } from '../errors';
import { type Locker, NO_LOCKER } from '../lock/locker';
import { LockNotAcquiredError, type WithLockOptions, withLock } from '../lock/with-lock';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { createNullStore } from '../store/null-store';
import { type CachedToken, CacheWriteError, type TokenStore } from '../store/token-store';
import { hasTimeLeft, isFresh, isUsable, MIN_REMAINING_MS } from './freshness';

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
  /**
   * Starts a refresh of this registry's token for this identity in a process of its own
   * (`refreshToken` runs there) and says whether one started. Given, a cached token past its
   * refresh point that is still usable is answered at once and refreshed there, so no client
   * waits for AWS; undefined (no shared cache, service-account tokens,
   * `AWS_ECR_BACKGROUND_REFRESH=false`) or not started: refreshed here, before the answer.
   */
  readonly refreshInBackground?: () => boolean;
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

/**
 * How long a background refresh started by one get stands for all: others due meanwhile answer
 * from the cache without starting another. Longer than a refresh may take (the command
 * deadline, 50 s by default); after a failed one, the next refresh is tried this much later.
 */
const REFRESH_CLAIM_MS = 60_000;

/** Long enough for a slow ECR call with retries; short of kubelet's one-minute limit. */
const DEFAULT_MAX_LOCK_WAIT_MS = 20_000;

/** The name of the lock that makes one process at a time fetch a registry's token for an identity. */
function tokenLockName(registry: Registry, identity: string): string {
  return `token\0${registry.host}\0${identity}`;
}

/** The options of that lock. */
function tokenLockOptions<T>(registry: Registry, deps: ResolveTokenDeps, whileWaiting: () => Promise<T | undefined>): WithLockOptions<T> {
  return {
    logger: deps.logger,
    label: `token lock for ${registry.host}`,
    now: deps.now,
    sleep: deps.sleep,
    maxWaitMs: deps.maxLockWaitMs ?? DEFAULT_MAX_LOCK_WAIT_MS,
    whileWaiting,
  };
}

/** The cached token while it is fresh (no refresh due). */
function freshReader(registry: Registry, deps: ResolveTokenDeps): () => Promise<CachedToken | undefined> {
  return async () => {
    const token = await deps.store.get(registry.host, deps.identity);
    return token && isFresh(token, deps.now()) ? token : undefined;
  };
}

/**
 * Returns a token for the registry: from the cache when fresh, else from ECR (then cached).
 * A miss takes a per-registry, per-identity lock, so that of N processes starting cold only
 * one calls ECR; the others wait and read its result from the cache. A token with less than
 * `MIN_REMAINING_MS` of life is never handed out, whether cached or just fetched (a fetched
 * one like that counts as a failed fetch: a wrong clock, or an endpoint that is not ECR).
 * A cached token past its refresh point with more than that left is answered at once when
 * `refreshInBackground` starts its refresh elsewhere. When a refresh fails but the cached
 * token is still usable, that token is used with a warning.
 */
export async function resolveToken(registry: Registry, deps: ResolveTokenDeps): Promise<ResolvedToken> {
  const { store, identity, logger, now } = deps;
  const readFresh = freshReader(registry, deps);

  const cachedAtStart = await store.get(registry.host, identity);
  if (cachedAtStart && isFresh(cachedAtStart, now())) {
    logger.debug(`cache hit for ${registry.host}`);
    return cachedAtStart;
  }
  if (cachedAtStart && isUsable(cachedAtStart, now()) && deps.refreshInBackground) {
    // One refresher a minute per registry and identity: gets at once, or while refreshes keep
    // failing, answer from the cache without starting more processes (and AWS calls) each.
    if (deps.locker.claim?.(`refresh\0${registry.host}\0${identity}`, now(), REFRESH_CLAIM_MS) === false) {
      logger.debug(
        `cached token for ${registry.host} is due for refresh: answered from the cache, a refresh started less than a minute ago`,
      );
      return cachedAtStart;
    }
    if (deps.refreshInBackground()) {
      logger.debug(`cached token for ${registry.host} is due for refresh: answered from the cache, refreshed in the background`);
      return cachedAtStart;
    }
    logger.warn(`could not start a background refresh of the token for ${registry.host}; refreshing it before answering`);
  }

  return withLock(deps.locker, tokenLockName(registry, identity), tokenLockOptions(registry, deps, readFresh), async () => {
    // Another process may have fetched it while we were taking the lock.
    const cached = await store.get(registry.host, identity);
    if (cached && isFresh(cached, now())) return cached;
    logger.debug(cached ? `cached token for ${registry.host} is due for refresh` : `cache miss for ${registry.host}`);
    return fetchAndStore(registry, cached, deps);
  });
}

/** What a background refresh did: fetched and stored a token, found one already fresh, or failed (logged). */
export type RefreshOutcome = 'refreshed' | 'already-fresh' | 'failed';

/**
 * The detached refresher's work (see `refreshInBackground`): under the same lock as a miss,
 * and only while the cached token is still due — a refresher that finds it fresh (another
 * process refreshed it while this one started or waited) calls nothing. Unlike a miss it
 * never fetches without the lock: when the lock cannot be had, another process is on it (or
 * locking is impossible here, and a get will fetch when the token runs short). A failure is
 * logged, never a token, and the cached entry stays as it was: gets keep answering with it
 * until `MIN_REMAINING_MS` before its expiry, then fetch themselves.
 */
export async function refreshToken(registry: Registry, deps: ResolveTokenDeps): Promise<RefreshOutcome> {
  const { store, identity, logger, now } = deps;
  const readFresh = freshReader(registry, deps);
  try {
    const outcome = await withLock<RefreshOutcome>(
      deps.locker,
      tokenLockName(registry, identity),
      {
        ...tokenLockOptions<RefreshOutcome>(registry, deps, async () => ((await readFresh()) ? 'already-fresh' : undefined)),
        required: true,
      },
      async (): Promise<RefreshOutcome> => {
        if (await readFresh()) return 'already-fresh';
        const fetched = await fetchToken(registry, deps);
        if (!fetched.cacheable) return 'failed';
        await store.put(identity, fetched.token);
        logger.info(
          `refreshed the token for ${registry.host} in the background, valid until ${new Date(fetched.token.expiresAt).toISOString()}`,
        );
        return 'refreshed';
      },
    );
    if (outcome === 'already-fresh') logger.debug(`the token for ${registry.host} was refreshed by another process`);
    return outcome;
  } catch (error) {
    if (!(error instanceof HelperError || error instanceof CacheWriteError || error instanceof LockNotAcquiredError)) throw error;
    const cached = await store.get(registry.host, identity).catch(() => undefined);
    const kept =
      cached && isUsable(cached, now())
        ? `; the cached token stays in use until ${new Date(cached.expiresAt - MIN_REMAINING_MS).toISOString()}`
        : '';
    logger.warn(`refreshing the token for ${registry.host} in the background failed (${error.message})${kept}`);
    return 'failed';
  }
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
