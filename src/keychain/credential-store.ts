import { InvalidInputError } from '../errors';
import { object, parseJsonShape, string } from '../json-shape';
import { formatCredentialKey } from '../registry/format-credential-key';
import type { Keychain } from './os-keychain';

/** Keychain service under which `store` keeps credentials for registries that are not ECR. */
const CREDENTIALS_SERVICE = 'docker-credential-ecr-login/credentials';

/**
 * Registry credentials with the docker protocol's field names: what `store` receives, what
 * the keychain keeps, what `get` prints. `Username` `<token>` marks an identity token.
 */
export interface DockerCredentials {
  readonly ServerURL: string;
  readonly Username: string;
  readonly Secret: string;
}

const STORED_CREDENTIALS = object({ ServerURL: string, Username: string, Secret: string });

/** credsStore mode: docker credentials for any registry, kept in the OS keychain. */
export interface CredentialStore {
  get(serverUrl: string): Promise<DockerCredentials | undefined>;
  store(credentials: DockerCredentials): Promise<void>;
  /** True if something was erased. */
  erase(serverUrl: string): Promise<boolean>;
  /** Server URL (as stored) -> username. */
  list(): Promise<Map<string, string>>;
}

/**
 * Credentials in the keychain, one item per registry: account = the registry's key
 * (`index.docker.io`, `ghcr.io`, `localhost:5000`), secret = the JSON docker sent to `store`
 * (so a `<token>` username, meaning an identity token, comes back unchanged). A server URL
 * that names no registry host has no key: nothing is found for it, and storing it is an
 * input error. Throws `KeychainUnavailableError` when there is no usable keychain.
 */
export function createCredentialStore(keychain: Keychain): CredentialStore {
  const parse = (secret: string): DockerCredentials | undefined => parseJsonShape(STORED_CREDENTIALS, secret);
  return {
    async get(serverUrl) {
      const key = formatCredentialKey(serverUrl);
      const secret = key === undefined ? undefined : await keychain.get(CREDENTIALS_SERVICE, key);
      return secret === undefined ? undefined : parse(secret);
    },
    async store(credentials) {
      const { ServerURL, Username, Secret } = credentials;
      const key = formatCredentialKey(ServerURL);
      if (key === undefined) throw new InvalidInputError('invalid input: "ServerURL" names no registry host');
      await keychain.set(CREDENTIALS_SERVICE, key, JSON.stringify({ ServerURL, Username, Secret }));
    },
    async erase(serverUrl) {
      const key = formatCredentialKey(serverUrl);
      return key !== undefined && (await keychain.delete(CREDENTIALS_SERVICE, key));
    },
    async list() {
      const entries = new Map<string, string>();
      for (const item of await keychain.list(CREDENTIALS_SERVICE)) {
        const stored = item.secret === undefined ? undefined : parse(item.secret);
        if (stored) entries.set(stored.ServerURL, stored.Username);
      }
      return entries;
    },
  };
}
