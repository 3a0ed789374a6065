import { ConfigError } from '../../errors';
import { parseRegistry } from '../../registry/parse-registry';
import { HELPER_NAME } from '../helper-names';
import { checkSingleKeys, DOCKER_READS_THE_LAST } from './check-single-keys';
import { detectLayout, editJsonText, type JsonSet } from './edit-json-text';
import {
  findEntry,
  type JsonNode,
  type JsonObject,
  JsonSyntaxError,
  jsonString,
  parseJsonDocument,
  setEntry,
  stringValue,
} from './json-document';

/** The ECR Public registry: `--all-ecr` always routes it (no AWS account of one's own needed). */
export const ECR_PUBLIC_HOST = 'public.ecr.aws';

/** What to make the docker config or containers auth file say. */
export interface ClientConfigRequest {
  /** `credHelpers` keys to route to the helper: exact host names (docker matches no globs). */
  readonly hosts: readonly string[];
  /**
   * Also every ECR registry the file already names (in `auths`, from `docker login`, or in
   * `credHelpers` with another helper), plus ECR Public.
   */
  readonly allEcr: boolean;
  /** Set `credsStore` (docker's default for every registry without a `credHelpers` entry). */
  readonly credsStore: boolean;
  /** Replace a `credsStore` of another helper (Docker Desktop's, the OS keychain's) all the same. */
  readonly force?: boolean;
}

/** The credential stores docker users have in `credsStore`, by what people call them. */
const KNOWN_STORES: Readonly<Record<string, string>> = {
  desktop: "Docker Desktop's store",
  osxkeychain: 'the macOS Keychain',
  wincred: 'Windows Credential Manager',
  pass: 'pass',
  secretservice: 'the Secret Service',
};

/**
 * Why `credsStore` of another helper must not be replaced without `--force`: the logins docker
 * keeps through it (the `auths` entries without credentials of their own) would vanish from
 * the CLI, which then asks only this helper.
 */
function formatStoreReplacement(root: JsonObject, was: string, file: string): string {
  const auths = findEntry(root, 'auths')?.value;
  const logins =
    auths?.kind === 'object'
      ? auths.entries
          .filter((entry) => !(entry.value.kind === 'object' && findEntry(entry.value, 'auth') !== undefined))
          .map((entry) => entry.key)
      : [];
  const shown = logins.length > 5 ? `${logins.slice(0, 5).join(', ')} and ${logins.length - 5} more` : logins.join(', ');
  const store = KNOWN_STORES[was] ?? `docker-credential-${was}`;
  return (
    `not replacing "credsStore": "${was}" (${store}) in ${file}: docker would then ask ${HELPER_NAME} for every registry, ` +
    `and the logins kept in ${store} (${logins.length === 0 ? 'none listed in auths' : shown}) would vanish from docker; ` +
    'route ECR registries with --registry or --all-ecr instead (recommended), or add --force to replace it'
  );
}

export interface ClientConfigEdit {
  /** The new text; the same as the old when nothing changes. */
  readonly text: string;
  /** What changed, one line each; empty when the file already says all of it. */
  readonly changes: readonly string[];
  /** Things the user should know about what changed (a replaced credsStore). */
  readonly warnings: readonly string[];
  /** Whether `credsStore` becomes this helper (configure asks the keychain first, run-configure.ts). */
  readonly setsCredsStore: boolean;
}

/** Parses an existing file's text (undefined: no file); whitespace only reads as `{}`, as docker reads it. */
export function parseConfigObject(text: string | undefined, file: string): JsonObject {
  if (text === undefined || text.trim() === '') return { kind: 'object', entries: [] };
  let root: JsonNode;
  try {
    root = parseJsonDocument(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new ConfigError(`cannot parse ${file}: ${error.message}; fix the file (or move it away) and run configure again`);
    }
    throw error;
  }
  if (root.kind !== 'object') throw new ConfigError(`cannot use ${file}: it holds JSON but not an object ({ … }); fix it or move it away`);
  return root;
}

/** The object at `key` of `root`, created at the end if missing; a non-object there is refused. */
export function objectAt(root: JsonObject, key: string, file: string): JsonObject {
  const entry = findEntry(root, key);
  if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.raw === 'null')) {
    const created: JsonObject = { kind: 'object', entries: [] };
    setEntry(root, key, created);
    return created;
  }
  if (entry.value.kind !== 'object')
    throw new ConfigError(`cannot change ${file}: "${key}" is not a JSON object; fix it or move the file away`);
  return entry.value;
}

/** The ECR registry hosts an `auths` or `credHelpers` map names, in file order. */
function ecrHostsIn(root: JsonObject, key: string): string[] {
  const entry = findEntry(root, key);
  if (entry?.value.kind !== 'object') return [];
  return entry.value.entries.flatMap((item) => {
    const registry = parseRegistry(item.key);
    return registry ? [registry.host] : [];
  });
}

/**
 * Edits a docker config (or containers auth file) so that it routes the requested registries
 * to the helper. Pure: text in, text out. Every other key stays where it is; `credHelpers` is
 * added at the end if missing, and new entries at the end of it. An entry naming another
 * helper for a host is replaced (that is what was asked), and said so.
 */
export function editClientConfig(text: string | undefined, request: ClientConfigRequest, file: string): ClientConfigEdit {
  const root = parseConfigObject(text, file);
  const changes: string[] = [];
  const warnings: string[] = [];
  const sets: JsonSet[] = [];
  const hosts = [...request.hosts];
  if (request.allEcr) hosts.push(...ecrHostsIn(root, 'auths'), ...ecrHostsIn(root, 'credHelpers'), ECR_PUBLIC_HOST);
  const unique = [...new Set(hosts)];
  if (unique.length > 0) {
    const helpers = objectAt(root, 'credHelpers', file);
    for (const host of unique) {
      const current = findEntry(helpers, host);
      const was = stringValue(current?.value);
      if (was === HELPER_NAME) continue;
      const before = current?.value.kind === 'scalar' ? current.value.raw : 'not a string';
      setEntry(helpers, host, jsonString(HELPER_NAME));
      sets.push({ path: ['credHelpers', host], value: HELPER_NAME });
      changes.push(current === undefined ? `credHelpers: added ${host}` : `credHelpers: ${host} now uses ${HELPER_NAME} (was ${before})`);
    }
  }
  if (request.credsStore) {
    const current = findEntry(root, 'credsStore');
    const was = stringValue(current?.value);
    if (was !== HELPER_NAME) {
      if (was !== undefined && was !== '' && request.force !== true)
        throw new ConfigError(formatStoreReplacement(root, was, file), formatStoreReplacement(root, was, file));
      setEntry(root, 'credsStore', jsonString(HELPER_NAME));
      sets.push({ path: ['credsStore'], value: HELPER_NAME });
      changes.push(
        was === undefined || was === '' ? `credsStore: set to ${HELPER_NAME}` : `credsStore: set to ${HELPER_NAME} (was ${was})`,
      );
      if (was !== undefined && was !== '') {
        warnings.push(
          `credsStore was "${was}": registries you logged in to through it (docker login) are not in ${HELPER_NAME}'s keychain entries; log in to them again`,
        );
      }
    }
  }
  const setsCredsStore = sets.some((set) => set.path[0] === 'credsStore');
  if (changes.length === 0) return { text: text ?? '', changes, warnings, setsCredsStore };
  checkSingleKeys(
    root,
    sets.map((set) => set.path),
    file,
    DOCKER_READS_THE_LAST,
  );
  return { text: editJsonText(text, sets, detectLayout(text)), changes, warnings, setsCredsStore };
}
