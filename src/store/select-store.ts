import type { Config } from '../config';
import type { Logger } from '../log';
import { NO_LOCKER, type Locker } from '../resolver/with-lock';
import { createFileLocker } from './file-locker';
import { createFileStore } from './file-store';
import { createNullStore } from './null-store';
import type { TokenStore } from './token-store';

/** Picks the token store the configuration asks for, with the locks that guard it. */
export function selectStore(
  config: Config,
  logger: Logger,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): { store: TokenStore; locker: Locker } {
  if (config.cacheDisabled) return { store: createNullStore(), locker: NO_LOCKER };
  const locker = createFileLocker({ dir: config.cacheDir, logger });
  return { store: createFileStore({ dir: config.cacheDir, logger, now, locker, sleep }), locker };
}
