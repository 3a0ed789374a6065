import type { Config } from '../config';
import type { Logger } from '../log';
import { createFileStore } from './file-store';
import { createNullStore } from './null-store';
import type { TokenStore } from './token-store';

/** Picks the token store the configuration asks for. */
export function selectStore(config: Config, logger: Logger, now: () => number): TokenStore {
  if (config.cacheDisabled) return createNullStore();
  return createFileStore({ dir: config.cacheDir, logger, now });
}
