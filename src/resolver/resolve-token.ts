import type { TokenSource } from '../aws/token-source';
import { HelperError } from '../errors';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { CacheWriteError, type CachedToken, type TokenStore } from '../store/token-store';
import { isFresh, isUsable } from './freshness';

export interface ResolveTokenDeps {
  readonly store: TokenStore;
  /** Loaded only on a cache miss: the AWS SDK is heavy and the hit path must stay light. */
  readonly loadTokenSource: () => Promise<TokenSource>;
  /** Local identity fingerprint material (see `aws/identity-fingerprint`). */
  readonly identity: string;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * Returns a token for the registry: from the cache when fresh, else from ECR (then cached).
 * When a refresh fails but the cached token is still valid, that token is used with a
 * warning; an expired token is never handed out.
 */
export async function resolveToken(registry: Registry, deps: ResolveTokenDeps): Promise<CachedToken> {
  const { store, identity, logger, now } = deps;
  const cached = await store.get(registry.host, identity);
  if (cached && isFresh(cached, now())) {
    logger.debug(`cache hit for ${registry.host}`);
    return cached;
  }

  logger.debug(cached ? `cached token for ${registry.host} is due for refresh` : `cache miss for ${registry.host}`);
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
