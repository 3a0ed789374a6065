import { CredentialsNotFoundError, HelperError, UnsupportedOperationError } from '../../errors';
import { parseRegistry } from '../../registry/parse-registry';
import type { HelperServices } from '../../resolver/helper-services';
import { resolveToken } from '../../resolver/resolve-token';
import { formatCredentialList, formatCredentials, parseServerUrl, parseStorePayload } from './credentials';

/**
 * The four actions of the docker credential-helper protocol: text in (stdin), text out
 * (stdout). Errors are thrown as `HelperError`s and become protocol output in `main.ts`.
 */

export async function getCredentials(input: string, services: HelperServices): Promise<string> {
  const serverUrl = parseServerUrl(input);
  const registry = parseRegistry(serverUrl);
  if (!registry) {
    services.logger.debug(`not an ECR registry: ${serverUrl}`);
    throw new CredentialsNotFoundError();
  }
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

function unsupported(serverUrl: string, action: string): UnsupportedOperationError {
  return new UnsupportedOperationError(
    `ecr-login cannot ${action} credentials for ${serverUrl}: it only serves Amazon ECR registries; ` +
      'configure it under "credHelpers" for ECR hosts rather than as "credsStore"',
  );
}

/**
 * `docker login` to an ECR host: ECR tokens are temporary and fetched on demand, so there is
 * nothing to keep; succeeding lets `docker login` work with the helper configured.
 */
export async function storeCredentials(input: string, services: HelperServices): Promise<string> {
  const credentials = parseStorePayload(input);
  if (services.config.ignoreCredsStorage || parseRegistry(credentials.ServerURL)) {
    services.logger.info(`store for ${credentials.ServerURL}: nothing to keep (tokens are fetched on demand)`);
    return '';
  }
  throw unsupported(credentials.ServerURL, 'store');
}

/** `docker logout` from an ECR host: nothing to delete, succeed. */
export async function eraseCredentials(input: string, services: HelperServices): Promise<string> {
  const serverUrl = parseServerUrl(input);
  if (services.config.ignoreCredsStorage || parseRegistry(serverUrl)) return '';
  throw unsupported(serverUrl, 'erase');
}

/** Registries with a cached, unexpired token for the current identity. No network calls. */
export async function listCredentials(services: HelperServices): Promise<string> {
  const tokens = await services.store.list(services.identity());
  return formatCredentialList(new Map(tokens.map((t) => [`https://${t.host}`, t.username])));
}
