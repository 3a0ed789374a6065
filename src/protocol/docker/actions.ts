import { ConfigError, CredentialsNotFoundError, HelperError, KeychainUnavailableError, UnsupportedOperationError } from '../../errors';
import type { DockerCredentials } from '../../keychain/credential-store';
import { parseRegistry } from '../../registry/parse-registry';
import { resolveRegistryCredentials } from '../../resolver/registry-credentials';
import { type ResolvedToken, resolveToken } from '../../resolver/resolve-token';
import type { HelperServices } from '../../services';
import { NO_SETTINGS, type Settings } from '../../settings/parse-settings';
import { type RegistryTarget, selectRegistrySettings, selectRegistryTarget } from '../../settings/select-registry-settings';
import { backgroundRefreshOf } from '../refresh/background-refresh';
import { formatCredentialList, formatCredentials, parseServerUrlInput, parseStorePayload } from './credentials';

/**
 * The four actions of the docker credential-helper protocol: text in (stdin), text out
 * (stdout). ECR registries get tokens from ECR; any other registry (credsStore mode) gets
 * what `docker login` stored in the OS keychain. Errors are thrown as `HelperError`s and
 * become protocol output in `main.ts`.
 */

export async function getCredentials(input: string, services: HelperServices): Promise<string> {
  const serverUrl = parseServerUrlInput(input);
  let target: RegistryTarget | undefined;
  try {
    // An invalid settings file answers not-found for every host: it may define the alias asked for.
    target = selectRegistryTarget(serverUrl, services.settings());
  } catch (error) {
    throw asNotFound(error);
  }
  if (!target) return formatCredentials(await getStoredCredentials(serverUrl, services));
  try {
    const token = await resolveTargetToken(serverUrl, target, services);
    // An alias answers with the alias as asked: the client looks the credentials up by it.
    return formatCredentials({ ServerURL: serverUrl, Username: token.username, Secret: token.password });
  } catch (error) {
    throw asNotFound(error);
  }
}

/**
 * The token for an ECR registry (or an alias of one) as `get` finds it: the identity its
 * settings choose, the cache, the single flight, the background refresh. `get-login-password`
 * goes through here too, so the two never disagree.
 */
export async function resolveTargetToken(serverUrl: string, target: RegistryTarget, services: HelperServices): Promise<ResolvedToken> {
  if (target.alias) services.logger.debug(`${serverUrl} is an alias of ${target.registry.host}`);
  const { identity, request } = resolveRegistryCredentials(target.settings, services);
  const refreshInBackground = backgroundRefreshOf(target, services);
  return resolveToken(target.registry, { ...services, identity, request, refreshInBackground });
}

/**
 * Every failure for an ECR host (or an alias) answers not-found so clients fall back to
 * anonymous access (public images still pull); the hint on stderr says what went wrong.
 */
function asNotFound(error: unknown): unknown {
  return error instanceof HelperError ? new CredentialsNotFoundError(error.hint ?? error.message, { cause: error }) : error;
}

/** A registry that is not ECR: what `store` kept in the keychain, or not-found. */
async function getStoredCredentials(serverUrl: string, services: HelperServices): Promise<DockerCredentials> {
  try {
    const stored = await services.credentials.get(serverUrl);
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

/** An ECR host or an alias of one (the settings file is read only for other hosts). */
function isEcrOrAlias(serverUrl: string, services: HelperServices): boolean {
  return parseRegistry(serverUrl) !== undefined || selectRegistryTarget(serverUrl, services.settings()) !== undefined;
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
  if (services.config.ignoreCredsStorage || isEcrOrAlias(credentials.ServerURL, services)) {
    services.logger.info(`store for ${credentials.ServerURL}: nothing to keep (tokens are fetched on demand)`);
    return '';
  }
  try {
    await services.credentials.store(credentials);
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
  if (services.config.ignoreCredsStorage || isEcrOrAlias(serverUrl, services)) return '';
  let erased: boolean;
  try {
    erased = await services.credentials.erase(serverUrl);
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw keychainFailure('erase', serverUrl, error);
    throw error;
  }
  if (!erased) throw new CredentialsNotFoundError();
  return '';
}

/**
 * ECR registries with a cached, unexpired token for the identity their settings choose, their
 * aliases, and the registries with credentials in the keychain. No network calls. Without a
 * keychain or with an invalid settings file, what remains: `list` runs at every start of some
 * clients (regclient), so those go to the log (the settings problem to stderr too).
 */
export async function listCredentials(services: HelperServices): Promise<string> {
  const entries = new Map<string, string>();
  try {
    for (const [url, user] of await services.credentials.list()) entries.set(url, user);
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    services.logger.info(`list: keychain not available: ${error.message}`);
  }
  let settings: Settings = NO_SETTINGS;
  try {
    settings = services.settings();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    services.logger.tell(`list: ${error.message}`);
  }
  // Each identity the settings choose lists the tokens of the registries it is chosen for.
  const choices = [undefined, ...settings.registries.map((rule) => rule.settings)];
  const tokens = new Map<string, string>();
  for (const choice of new Set(choices)) {
    for (const t of await services.store.list(resolveRegistryCredentials(choice, services).identity)) {
      // Registry tokens only: a role's cached credentials share the identity (entry `sts-role:<arn>`).
      if (!parseRegistry(t.host)) continue;
      if (selectRegistrySettings(settings, { hostname: t.host, port: undefined }) === choice) tokens.set(t.host, t.username);
    }
  }
  for (const [host, user] of tokens) entries.set(`https://${host}`, user);
  for (const alias of settings.aliases) {
    const user = tokens.get(alias.target);
    if (user !== undefined) entries.set(`https://${alias.host}${alias.port === undefined ? '' : `:${alias.port}`}`, user);
  }
  return formatCredentialList(entries);
}
