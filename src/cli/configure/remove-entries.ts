import { HELPER_NAME } from '../helper-names';
import { checkSingleKeys, DOCKER_READS_THE_LAST } from './check-single-keys';
import { parseConfigObject } from './edit-client-config';
import { removeJsonPaths } from './edit-json-text';
import { findEntry, type JsonObject, stringValue } from './json-document';

/** What `configure --remove` takes out (plan-remove-request.ts). */
export interface RemoveRequest {
  /** `credHelpers` keys: the registry hosts and alias names given. */
  readonly hosts: readonly string[];
  /** `registries` keys of the settings file (hosts or globs, lower case). */
  readonly patterns: readonly string[];
  /** `aliases` keys of the settings file. */
  readonly aliases: readonly string[];
  /** Every entry of this helper's: `credHelpers` naming it, its `credsStore`, the whole settings file's entries. */
  readonly all: boolean;
}

export interface RemoveEdit {
  readonly text: string;
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
}

function objectEntry(root: JsonObject, key: string): JsonObject | undefined {
  const value = findEntry(root, key)?.value;
  return value?.kind === 'object' ? value : undefined;
}

/**
 * Takes this helper's entries out of a docker config or containers auth file: `credHelpers`
 * entries whose value is `ecr-login` (another helper's are left, with a warning), and with
 * `all` every such entry and a `credsStore` of `ecr-login`. Pure; every other byte stays.
 */
export function removeClientEntries(text: string | undefined, request: RemoveRequest, file: string): RemoveEdit {
  const root = parseConfigObject(text, file);
  const helpers = objectEntry(root, 'credHelpers');
  const paths: string[][] = [];
  const changes: string[] = [];
  const warnings: string[] = [];
  const named = request.all ? (helpers?.entries.map((entry) => entry.key) ?? []) : request.hosts;
  for (const host of new Set(named)) {
    const entry = helpers && findEntry(helpers, host);
    if (entry === undefined) continue;
    const value = stringValue(entry.value);
    if (value !== HELPER_NAME) {
      // --all passes other helpers' entries by in silence: they were never configure's.
      if (!request.all)
        warnings.push(
          `left credHelpers["${host}"] in ${file}: it names ${value === undefined ? 'no helper' : `"${value}"`}, not ${HELPER_NAME}`,
        );
      continue;
    }
    paths.push(['credHelpers', host]);
    changes.push(`credHelpers: removed ${host}`);
  }
  if (request.all && stringValue(findEntry(root, 'credsStore')?.value) === HELPER_NAME) {
    paths.push(['credsStore']);
    changes.push(`credsStore: removed (was ${HELPER_NAME}; docker keeps logins in the auths entries again)`);
  }
  if (text === undefined || paths.length === 0) return { text: text ?? '', changes: [], warnings };
  checkSingleKeys(root, paths, file, DOCKER_READS_THE_LAST);
  return { text: removeJsonPaths(text, paths), changes, warnings };
}

/**
 * Takes entries out of the settings file: the `registries` and `aliases` keys named, or with
 * `all` every one (the file is this helper's alone). Pure; other fields stay.
 */
export function removeSettingsEntries(text: string | undefined, request: RemoveRequest, file: string): RemoveEdit {
  const root = parseConfigObject(text, file);
  const paths: string[][] = [];
  const changes: string[] = [];
  for (const [section, keys] of [
    ['registries', request.patterns],
    ['aliases', request.aliases],
  ] as const) {
    const object = objectEntry(root, section);
    const named = request.all ? (object?.entries.map((entry) => entry.key) ?? []) : keys;
    for (const key of new Set(named)) {
      if (object === undefined || findEntry(object, key) === undefined) continue;
      paths.push([section, key]);
      changes.push(`${section}["${key}"]: removed`);
    }
  }
  if (text === undefined || paths.length === 0) return { text: text ?? '', changes: [], warnings: [] };
  // The loader refuses such a file; removing the first would leave the second, and the file valid with it.
  checkSingleKeys(root, paths, file, 'the helper reads no settings file with a key twice');
  return { text: removeJsonPaths(text, paths), changes, warnings: [] };
}
