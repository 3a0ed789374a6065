import { normalizeServerUrl } from '../registry/normalize-server-url';
import type { Keychain } from './keychain';

/** Keychain service under which `store` keeps credentials for registries that are not ECR. */
export const CREDENTIALS_SERVICE = 'docker-credential-ecr-login/credentials';

/** Credentials as docker's `store` sends them (field names as in the protocol). */
export interface StoredCredentials {
  readonly ServerURL: string;
  readonly Username: string;
  readonly Secret: string;
}

/** credsStore mode: docker credentials for any registry, kept in the OS keychain. */
export interface CredentialStore {
  get(serverUrl: string): StoredCredentials | undefined;
  store(credentials: StoredCredentials): void;
  /** True if something was erased. */
  erase(serverUrl: string): boolean;
  /** Server URL (as stored) -> username. */
  list(): Map<string, string>;
}

function parseStored(secret: string): StoredCredentials | undefined {
  try {
    const value: unknown = JSON.parse(secret);
    if (typeof value !== 'object' || value === null) return undefined;
    const { ServerURL, Username, Secret } = value as Record<string, unknown>;
    if (typeof ServerURL !== 'string' || typeof Username !== 'string' || typeof Secret !== 'string') return undefined;
    return { ServerURL, Username, Secret };
  } catch {
    return undefined;
  }
}

/**
 * Credentials in the keychain, one item per registry: account = the normalised server
 * (`index.docker.io`, `ghcr.io`, `localhost:5000`), secret = the JSON docker sent to `store`
 * (so a `<token>` username, meaning an identity token, comes back unchanged).
 * Throws `KeychainUnavailableError` when there is no usable keychain.
 */
export function createCredentialStore(keychain: Keychain): CredentialStore {
  const key = (serverUrl: string): string => normalizeServerUrl(serverUrl) ?? serverUrl.trim();
  return {
    get(serverUrl) {
      const secret = keychain.get(CREDENTIALS_SERVICE, key(serverUrl));
      return secret === undefined ? undefined : parseStored(secret);
    },
    store(credentials) {
      keychain.set(CREDENTIALS_SERVICE, key(credentials.ServerURL), JSON.stringify(credentials));
    },
    erase(serverUrl) {
      return keychain.delete(CREDENTIALS_SERVICE, key(serverUrl));
    },
    list() {
      const entries = new Map<string, string>();
      for (const item of keychain.list(CREDENTIALS_SERVICE)) {
        const stored = parseStored(item.secret);
        if (stored) entries.set(stored.ServerURL, stored.Username);
      }
      return entries;
    },
  };
}
