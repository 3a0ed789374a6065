import { InvalidInputError, MissingServerUrlError, MissingUsernameError } from '../../errors';

/** The credentials object of the docker credential-helper protocol, field names as sent. */
export interface DockerCredentials {
  readonly ServerURL: string;
  readonly Username: string;
  readonly Secret: string;
}

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

/** The server URL sent to `get` and `erase`: surrounding whitespace (a trailing newline) trimmed. */
export function parseServerUrl(input: string): string {
  const url = input.trim();
  if (url === '') throw new MissingServerUrlError();
  return url;
}

/** The JSON sent to `store`, validated the way docker-credential-helpers does. */
export function parseStorePayload(input: string): DockerCredentials {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw new InvalidInputError('invalid input: store expects a JSON object {"ServerURL","Username","Secret"}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('invalid input: store expects a JSON object {"ServerURL","Username","Secret"}');
  }
  const record = value as Record<string, unknown>;
  const str = (key: string): string => {
    const field = record[key];
    if (field === undefined || field === null) return '';
    if (typeof field !== 'string') throw new InvalidInputError(`invalid input: "${key}" must be a string`);
    return field;
  };
  const ServerURL = str('ServerURL').trim();
  if (ServerURL === '') throw new MissingServerUrlError();
  const Username = str('Username');
  if (Username === '') throw new MissingUsernameError();
  return { ServerURL, Username, Secret: str('Secret') };
}
