import type { RoleCredentials, TokenRequestOptions } from '../aws/token-source';
import { sha256Hex } from '../hash';
import { object, parseJsonShape, string } from '../json-shape';
import type { Locker } from '../lock/locker';
import { withLock } from '../lock/with-lock';
import type { Logger } from '../log';
import type { RegistrySettings } from '../settings/parse-settings';
import { isPlausible } from '../store/token-plausibility';
import { type CachedToken, CacheWriteError, type TokenStore } from '../store/token-store';

/** The session name of a registry's `roleArn` when the settings give none (CloudTrail shows it). */
export const DEFAULT_ROLE_SESSION_NAME = 'ecr-login';

/**
 * An assumed role's credentials are used while at least this long remains, so that the ECR
 * call they sign (with retries) never outlives them; the SDK itself refreshes 5 minutes early.
 */
const ROLE_CREDENTIALS_MARGIN_MS = 10 * 60_000;
/** Long enough for an STS call with retries; short of kubelet's one-minute limit. */
const MAX_ROLE_LOCK_WAIT_MS = 20_000;

export interface RegistryCredentialsDeps {
  /** Identity fingerprint material of the default chain, with this profile when given. */
  readonly identity: (profile?: string) => string;
  readonly store: TokenStore;
  readonly locker: Locker;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Whose token a registry gets: the cache key's identity, and how the token source fetches it. */
export interface RegistryCredentials {
  readonly identity: string;
  readonly request: TokenRequestOptions;
}

/**
 * The identity and token request for a registry's settings (none: the default chain, exactly
 * as without a settings file). A `profile` swaps the profile the identity fingerprint is
 * computed for; a `roleArn` (with session name and external id) is hashed into it, so that
 * two registries with different roles never share a cached token, and a cache hit needs no
 * STS call. The role's credentials themselves are cached like tokens (see `cacheRoleCredentials`).
 */
export function resolveRegistryCredentials(settings: RegistrySettings | undefined, deps: RegistryCredentialsDeps): RegistryCredentials {
  if (!settings) return { identity: deps.identity(), request: {} };
  const { profile, roleArn, externalId } = settings;
  const source = deps.identity(profile);
  const withProfile = profile === undefined ? {} : { profile };
  if (roleArn === undefined) return { identity: source, request: withProfile };
  const sessionName = settings.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME;
  const identity = sha256Hex(JSON.stringify({ v: 1, source, roleArn, sessionName, externalId: externalId ?? null }));
  return {
    identity,
    request: {
      ...withProfile,
      assumeRole: {
        roleArn,
        sessionName,
        ...(externalId === undefined ? {} : { externalId }),
        cached: (assume) => cacheRoleCredentials(`sts-role:${roleArn}`, identity, assume, deps),
      },
    },
  };
}

/** Role credentials kept in a token entry: the key id as `username`, the secrets as `password`. */
function toEntry(host: string, credentials: RoleCredentials, issuedAt: number): CachedToken {
  const password = JSON.stringify({ secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  return { host, username: credentials.accessKeyId, password, issuedAt, expiresAt: credentials.expiration.getTime() };
}

/** The secrets of a role entry's `password`. */
const ROLE_SECRETS = object({ secretAccessKey: string, sessionToken: string });

/**
 * The role credentials in an entry, while they are plausible by the token rule (AssumeRole
 * sessions, like ECR tokens, last at most 12 hours) and have more than the margin left.
 */
function fromEntry(entry: CachedToken, now: number, logger: Logger): RoleCredentials | undefined {
  if (!isPlausible(entry, now) || entry.expiresAt - now <= ROLE_CREDENTIALS_MARGIN_MS) return undefined;
  const secrets = parseJsonShape(ROLE_SECRETS, entry.password);
  if (!secrets) return undefined;
  const { secretAccessKey, sessionToken } = secrets;
  logger.addSecret(secretAccessKey);
  logger.addSecret(sessionToken);
  return { accessKeyId: entry.username, secretAccessKey, sessionToken, expiration: new Date(entry.expiresAt) };
}

/**
 * An assumed role's credentials, from the token store while they have time left, else from
 * `assume` (STS) and then stored. They live in the same store as tokens, by the same rules (the
 * file cache or the keychain, never anywhere else; salted keys; the write lock), under an
 * entry key no registry has (`sts-role:<arn>` and an identity hashed from the source identity
 * and role) — so `list` never shows them. A per-role lock makes concurrent misses for
 * registries sharing the role make one `AssumeRole`.
 */
async function cacheRoleCredentials(
  key: string,
  identity: string,
  assume: () => Promise<RoleCredentials>,
  deps: RegistryCredentialsDeps,
): Promise<RoleCredentials> {
  const { store, now, logger } = deps;
  const read = async (): Promise<RoleCredentials | undefined> => {
    const entry = await store.get(key, identity);
    return entry ? fromEntry(entry, now(), logger) : undefined;
  };
  const hit = await read();
  if (hit) {
    logger.debug(`cached credentials for ${key.slice('sts-role:'.length)}`);
    return hit;
  }
  return withLock(
    deps.locker,
    `role\0${key}\0${identity}`,
    { logger, label: `role lock for ${key.slice('sts-role:'.length)}`, now, maxWaitMs: MAX_ROLE_LOCK_WAIT_MS, whileWaiting: read },
    async () => {
      const cached = await read();
      if (cached) return cached;
      const issuedAt = now();
      const credentials = await assume();
      try {
        await store.put(identity, toEntry(key, credentials, issuedAt));
      } catch (error) {
        if (!(error instanceof CacheWriteError)) throw error;
        logger.warn(`${error.message}; the role's credentials are not cached`);
      }
      return credentials;
    },
  );
}
