import { ConfigError } from '../../errors';
import type { JsonObject } from './json-document';

/** Why a key written twice matters in a client's config: docker's Go decoder reads the last. */
export const DOCKER_READS_THE_LAST = 'docker reads the last';

/**
 * A key on a path configure would edit appears twice in its object. docker's Go decoder reads
 * the last of two equal keys (`why` says how the file's reader treats them), while jsonc-parser
 * (edit-json-text.ts) finds the first: an edit there would change or remove one entry and leave
 * the other in force, so configure refuses and nothing is written.
 */
export class DuplicateKeyError extends ConfigError {
  constructor(
    readonly file: string,
    readonly parent: readonly string[],
    readonly key: string,
    why: string,
  ) {
    const where = parent.length === 0 ? 'the top level' : JSON.stringify(parent.join('.'));
    const message = `${file}: ${where} has ${JSON.stringify(key)} twice (${why}): keep one, then run configure again`;
    super(message, message);
  }
}

/**
 * Throws `DuplicateKeyError` when a key of one of `paths` (as given to editJsonText or
 * removeJsonPaths) appears more than once in its object, at any depth along the path; `why`
 * says how the file's reader treats such a key.
 */
export function checkSingleKeys(root: JsonObject, paths: readonly (readonly string[])[], file: string, why: string): void {
  for (const path of paths) {
    let object: JsonObject = root;
    for (const [depth, key] of path.entries()) {
      const entries = object.entries.filter((entry) => entry.key === key);
      if (entries.length > 1) throw new DuplicateKeyError(file, path.slice(0, depth), key, why);
      const value = entries[0]?.value;
      if (value?.kind !== 'object') break;
      object = value;
    }
  }
}
