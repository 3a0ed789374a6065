import { InvalidInputError, MissingServerUrlError, MissingUsernameError } from '../../errors';
import { object, optional, ShapeError, string } from '../../json-shape';
import type { DockerCredentials } from '../../keychain/credential-store';

/** `get` output: exactly `{"ServerURL":…,"Username":…,"Secret":…}` and a newline. */
export function formatCredentials(credentials: DockerCredentials): string {
  const { ServerURL, Username, Secret } = credentials;
  return `${JSON.stringify({ ServerURL, Username, Secret })}\n`;
}

/** `list` output: a JSON object of server URL -> username, keys sorted for stable output. */
export function formatCredentialList(entries: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted)}\n`;
}

/** The line printed by `version` (and `--version`). */
export function formatVersion(version: string): string {
  return `docker-credential-ecr-login ${version}\n`;
}

/** The server URL sent to `get` and `erase`: surrounding whitespace (a trailing newline) trimmed. */
export function parseServerUrlInput(input: string): string {
  const url = input.trim();
  if (url === '') throw new MissingServerUrlError();
  return url;
}

/** docker-credential-helpers treats a missing or null field as empty. */
const STORE_PAYLOAD = object({
  ServerURL: optional(string, ''),
  Username: optional(string, ''),
  Secret: optional(string, ''),
});

/** The JSON sent to `store`, validated the way docker-credential-helpers does. */
export function parseStorePayload(input: string): DockerCredentials {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    value = undefined;
  }
  let payload: { ServerURL: string; Username: string; Secret: string };
  try {
    payload = STORE_PAYLOAD(value, '');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new InvalidInputError(
      error.path === ''
        ? 'invalid input: store expects a JSON object {"ServerURL","Username","Secret"}'
        : `invalid input: ${error.message}`,
    );
  }
  const ServerURL = payload.ServerURL.trim();
  if (ServerURL === '') throw new MissingServerUrlError();
  if (payload.Username === '') throw new MissingUsernameError();
  return { ServerURL, Username: payload.Username, Secret: payload.Secret };
}
