import type { TokenSource } from '../aws/token-source';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { CredentialStore } from '../store/credential-store';
import type { TokenStore } from '../store/token-store';
import type { Locker } from './with-lock';

/** What the protocol adapters need to answer a request; built once per process in `main.ts`. */
export interface HelperServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly store: TokenStore;
  readonly locker: Locker;
  /** Credentials for registries that are not ECR (credsStore mode), in the OS keychain. */
  readonly credentials: CredentialStore;
  /** Local identity fingerprint material; computed on first use. */
  readonly identity: () => string;
  readonly loadTokenSource: () => Promise<TokenSource>;
}
