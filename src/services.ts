import { resolveIdentityMaterial } from './aws/identity-fingerprint';
import type { TokenSource } from './aws/token-source';
import type { Config } from './config';
import { type CredentialStore, createCredentialStore } from './keychain/credential-store';
import type { Keychain } from './keychain/os-keychain';
import { type Locker, NO_LOCKER } from './lock/locker';
import type { Logger } from './log';
import type { RetrySettings } from './retry-settings';
import type { FsPlatform } from './safe-fs/fs-platform';
import { loadSettings } from './settings/load-settings';
import type { Settings } from './settings/parse-settings';
import { createTokenStore } from './store/create-token-store';
import type { TokenStore } from './store/token-store';

/** What the protocol adapters need to answer a request; built once per process by `main`. */
export interface HelperServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  /**
   * This process's file system rules (whose files and directories must be, how they are
   * opened), described once by the entry point: everything that touches a file gets these.
   */
  readonly fsPlatform: FsPlatform;
  /** The token cache the configuration chose (file, keychain, or none). */
  readonly store: TokenStore;
  /** Cross-process locks for single flight. */
  readonly locker: Locker;
  /** Credentials for registries that are not ECR (credsStore mode), in the OS keychain. */
  readonly credentials: CredentialStore;
  /** The most bytes one OS keychain item holds here (longer secrets are split); undefined: no limit. */
  readonly keychainItemBytes: number | undefined;
  /**
   * Local identity fingerprint material of the default chain — with `profile` instead of
   * `AWS_PROFILE` when given (a registry's settings); computed on first use.
   */
  readonly identity: (profile?: string) => string;
  /** The per-registry settings file, read on first use; throws `ConfigError` when it is invalid. */
  readonly settings: () => Settings;
  /** The AWS side; only called on a cache miss. */
  readonly loadTokenSource: () => Promise<TokenSource>;
  /**
   * Starts this program detached as the refresher of a target (protocol/refresh) and says
   * whether it started. Undefined when a background refresh has nothing to work with or is
   * not wanted: no shared cache (disabled, or no usable cache directory: no locks either),
   * `AWS_ECR_BACKGROUND_REFRESH=false`, or an entry that cannot start one.
   */
  readonly startRefresher: ((target: string) => boolean) | undefined;
}

/** The real parts (or a test's fakes) that the services are built from. */
export interface ServiceParts {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly fsPlatform: FsPlatform;
  readonly keychain: Keychain;
  readonly loadTokenSource: (logger: Logger, retry: RetrySettings) => Promise<TokenSource>;
  /** See `HelperServices.startRefresher`; the entry's spawn of a detached process. */
  readonly startRefresher?: (target: string) => boolean;
}

/** Builds the services for one invocation. Builds nothing heavy: stores open files lazily. */
export function createServices(parts: ServiceParts): HelperServices {
  const { config, logger, now, fsPlatform, keychain } = parts;
  const identities = new Map<string | undefined, string>();
  let settings: Settings | undefined;
  const { store, locker } = createTokenStore({ config, logger, now, fsPlatform, keychain });
  return {
    config,
    logger,
    now,
    fsPlatform,
    store,
    locker,
    credentials: createCredentialStore(keychain),
    keychainItemBytes: keychain.maxItemBytes,
    identity: (profile) => {
      let identity = identities.get(profile);
      if (identity === undefined) {
        const env = profile === undefined ? config.identityEnv : { ...config.identityEnv, AWS_PROFILE: profile };
        identity = resolveIdentityMaterial(env, config.homeDir, fsPlatform);
        identities.set(profile, identity);
      }
      return identity;
    },
    settings: () => (settings ??= loadSettings(config.settingsFile, fsPlatform)),
    loadTokenSource: () => parts.loadTokenSource(logger, config.retry),
    // Without locks (no shared cache) a refresher could neither find the token nor fetch it alone.
    startRefresher: config.backgroundRefresh && locker !== NO_LOCKER ? parts.startRefresher : undefined,
  };
}
