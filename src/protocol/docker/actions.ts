import { CredentialsNotFoundError, HelperError, KeychainUnavailableError, UnsupportedOperationError } from '../../errors';
import type { RegistryCredentials } from '../../keychain/credential-store';
import { parseRegistry } from '../../registry/parse-registry';
import { resolveToken } from '../../resolver/resolve-token';
import type { HelperServices } from '../../services';
import { formatCredentialList, formatCredentials, parseServerUrlInput, parseStorePayload } from './credentials';

/**
 * The four actions of the docker credential-helper protocol: text in (stdin), text out
 * (stdout). ECR registries get tokens from ECR; any other registry (credsStore mode) gets
 * what `docker login` stored in the OS keychain. Errors are thrown as `HelperError`s and
 * become protocol output in `main.ts`.
 */

export async function getCredentials(input: string, services: HelperServices): Promise<string> {
  const serverUrl = parseServerUrlInput(input);
  const registry = parseRegistry(serverUrl);
  if (!registry) return formatCredentials(getStoredCredentials(serverUrl, services));
  try {
    const token = await resolveToken(registry, { ...services, identity: services.identity() });
    return formatCredentials({ ServerURL: serverUrl, Username: token.username, Secret: token.password });
  } catch (error) {
    // Every failure for an ECR host answers not-found so clients fall back to anonymous
    // access (public images still pull); the hint on stderr says what went wrong.
    if (error instanceof HelperError) throw new CredentialsNotFoundError(error.hint ?? error.message, { cause: error });
    throw error;
  }
}

/** A registry that is not ECR: what `store` kept in the keychain, or not-found. */
function getStoredCredentials(serverUrl: string, services: HelperServices): RegistryCredentials {
  try {
    const stored = services.credentials.get(serverUrl);
    if (!stored) {
      services.logger.debug(`no stored credentials for ${serverUrl}`);
      throw new CredentialsNotFoundError();
    }
    return { ServerURL: serverUrl, Username: stored.Username, Secret: stored.Secret };
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw new CredentialsNotFoundError(error.hint, { cause: error });
    throw error;
  }
}

/** Store, erase: a keychain that cannot be used fails the command with the reason. */
function keychainFailure(action: string, serverUrl: string, error: KeychainUnavailableError): UnsupportedOperationError {
  return new UnsupportedOperationError(`ecr-login cannot ${action} credentials for ${serverUrl}: ${error.message}`);
}

/**
 * `docker login`. For an ECR host there is nothing to keep (tokens are temporary and fetched
 * on demand), and succeeding lets `docker login` work with the helper configured. Any other
 * registry's credentials go to the OS keychain.
 */
export async function storeCredentials(input: string, services: HelperServices): Promise<string> {
  const credentials = parseStorePayload(input);
  if (services.config.ignoreCredsStorage || parseRegistry(credentials.ServerURL)) {
    services.logger.info(`store for ${credentials.ServerURL}: nothing to keep (tokens are fetched on demand)`);
    return '';
  }
  try {
    services.credentials.store(credentials);
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw keychainFailure('store', credentials.ServerURL, error);
    throw error;
  }
  services.logger.info(`stored credentials for ${credentials.ServerURL} in the keychain`);
  return '';
}

/** `docker logout`: nothing to do for ECR; for other registries, remove what was stored. */
export async function eraseCredentials(input: string, services: HelperServices): Promise<string> {
  const serverUrl = parseServerUrlInput(input);
  if (services.config.ignoreCredsStorage || parseRegistry(serverUrl)) return '';
  let erased: boolean;
  try {
    erased = services.credentials.erase(serverUrl);
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw keychainFailure('erase', serverUrl, error);
    throw error;
  }
  if (!erased) throw new CredentialsNotFoundError();
  return '';
}

/**
 * ECR registries with a cached, unexpired token for the current identity, and the registries
 * with credentials in the keychain. No network calls. Without a keychain, only the former:
 * `list` runs at every start of some clients (regclient), so that goes to the log only.
 */
export async function listCredentials(services: HelperServices): Promise<string> {
  const tokens = await services.store.list(services.identity());
  const entries = new Map<string, string>();
  try {
    for (const [url, user] of services.credentials.list()) entries.set(url, user);
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    services.logger.info(`list: keychain not available: ${error.message}`);
  }
  for (const t of tokens) entries.set(`https://${t.host}`, t.username);
  return formatCredentialList(entries);
}
