import type { Config } from '../config';
import type { Keychain } from '../keychain/os-keychain';
import { createFileLocker } from '../lock/file-locker';
import { type Locker, NO_LOCKER } from '../lock/locker';
import type { Logger } from '../log';
import type { FsPlatform } from '../safe-fs/fs-platform';
import { createFileStore } from './file-store';
import { createKeychainTokenStore } from './keychain-token-store';
import { createNullStore } from './null-store';
import type { TokenStore } from './token-store';

export interface TokenStoreDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  /** Whose the cache and lock files must be (the entry's). */
  readonly fsPlatform: FsPlatform;
  readonly keychain: Keychain;
}

/**
 * The token store the configuration asks for (`AWS_ECR_DISABLE_CACHE`,
 * `AWS_ECR_CACHE_BACKEND`), with the locks that guard it. Locks are files in the cache
 * directory whatever the backend: the keychain has none of its own.
 */
export function createTokenStore(deps: TokenStoreDeps): { store: TokenStore; locker: Locker } {
  const { config, logger, now, fsPlatform } = deps;
  const { cacheDir } = config;
  if (config.cacheDisabled || cacheDir === undefined) return { store: createNullStore(), locker: NO_LOCKER };
  const locker = createFileLocker({ dir: cacheDir, logger, fsPlatform });
  if (config.cacheBackend === 'keychain') {
    return { store: createKeychainTokenStore({ keychain: deps.keychain, logger, now, locker }), locker };
  }
  return { store: createFileStore({ dir: cacheDir, logger, now, locker, fsPlatform }), locker };
}
