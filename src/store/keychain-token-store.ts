import { KeychainUnavailableError } from '../errors';
import { randomHex } from '../hash';
import type { Keychain } from '../keychain/os-keychain';
import type { Locker } from '../lock/locker';
import { LockNotAcquiredError } from '../lock/with-lock';
import { createOnce, type Logger } from '../log';
import { formatEntryKey, isListedFor, parseTokenText, pruneEntries, withCacheWriteLock } from './token-entries';
import type { CachedToken, TokenStore } from './token-store';

/** Keychain service under which tokens are kept (one item per registry and identity). */
export const TOKEN_SERVICE = 'docker-credential-ecr-login/tokens';
/** The item holding this keychain's random salt for the identity hashes. */
const SALT_ACCOUNT = '.salt';

export interface KeychainTokenStoreOptions {
  readonly keychain: Keychain;
  readonly logger: Logger;
  readonly now: () => number;
  /** File-based, in the cache directory: the keychain has no locks of its own. */
  readonly locker: Locker;
}

/**
 * `AWS_ECR_CACHE_BACKEND=keychain`: tokens live in the OS keychain, one item each (account: a
 * salted hash of registry and identity; secret: the token as JSON), so no token touches the
 * disk. Without a usable keychain it says so once and caches nothing — it never falls back
 * to a plaintext file.
 */
export function createKeychainTokenStore(options: KeychainTokenStoreOptions): TokenStore {
  const { keychain, logger, now, locker } = options;
  const once = createOnce();

  /** Runs keychain operations; an unavailable keychain is reported once and yields `fallback`. */
  const guarded = async <T>(fallback: T, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      if (once('unavailable'))
        logger.tell(`not caching tokens: ${error.message}; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file`);
      return fallback;
    }
  };

  /** Every token item, by account; undefined for an unreadable one. */
  const readAll = async (): Promise<[string, CachedToken | undefined][]> =>
    (await keychain.list(TOKEN_SERVICE))
      .filter((item) => item.account !== SALT_ACCOUNT)
      .map((item) => [item.account, item.secret === undefined ? undefined : parseTokenText(item.secret)]);

  return {
    async get(host, identity) {
      return guarded(undefined, async () => {
        const salt = await keychain.get(TOKEN_SERVICE, SALT_ACCOUNT);
        if (!salt) return undefined;
        const raw = await keychain.get(TOKEN_SERVICE, formatEntryKey(salt, host, identity));
        const token = raw === undefined ? undefined : parseTokenText(raw);
        if (raw !== undefined && !token) logger.warn(`an unreadable token item for ${host} in the keychain was ignored`);
        return token;
      });
    },

    async put(identity, token) {
      // Writes and pruning only under the lock: concurrent creates and deletes race in the
      // Secret Service (and have crashed gnome-keyring); a writer that cannot have it skips.
      try {
        await withCacheWriteLock(locker, logger, now, async () =>
          guarded(undefined, async () => {
            let salt = await keychain.get(TOKEN_SERVICE, SALT_ACCOUNT);
            if (!salt) {
              salt = randomHex(16);
              await keychain.set(TOKEN_SERVICE, SALT_ACCOUNT, salt);
            }
            await keychain.set(TOKEN_SERVICE, formatEntryKey(salt, token.host, identity), JSON.stringify(token));
            for (const key of pruneEntries(await readAll(), now()).drop) await keychain.delete(TOKEN_SERVICE, key);
            return undefined;
          }),
        );
      } catch (error) {
        if (!(error instanceof LockNotAcquiredError)) throw error;
        logger.warn(`not caching the token in the keychain: ${error.message}`);
      }
    },

    async list(identity) {
      return guarded([], async () => {
        const salt = await keychain.get(TOKEN_SERVICE, SALT_ACCOUNT);
        if (!salt) return [];
        const current = now();
        return (await readAll()).flatMap(([key, token]) => (token && isListedFor(key, token, salt, identity, current) ? [token] : []));
      });
    },
  };
}
