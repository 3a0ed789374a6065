import type { Config } from '../config';
import type { Logger } from '../log';
import { NO_LOCKER, type Locker } from '../resolver/with-lock';
import { createFileLocker } from './file-locker';
import { createFileStore } from './file-store';
import type { Keychain } from './keychain';
import { createKeychainTokenStore } from './keychain-token-store';
import { createNullStore } from './null-store';
import type { TokenStore } from './token-store';

export interface StoreDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly keychain: Keychain;
}

/**
 * Picks the token store the configuration asks for, with the locks that guard it. Locks are
 * files in the cache directory whatever the backend: the keychain has none of its own.
 */
export function selectStore(deps: StoreDeps): { store: TokenStore; locker: Locker } {
  const { config, logger, now, sleep } = deps;
  if (config.cacheDisabled) return { store: createNullStore(), locker: NO_LOCKER };
  const locker = createFileLocker({ dir: config.cacheDir, logger });
  if (config.cacheBackend === 'keychain') {
    return { store: createKeychainTokenStore({ keychain: deps.keychain, logger, now, locker, sleep }), locker };
  }
  return { store: createFileStore({ dir: config.cacheDir, logger, now, locker, sleep }), locker };
}
