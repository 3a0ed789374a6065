import { ConfigError } from '../../errors';
import type { JsonObject } from './json-document';

/**
 * A key on a path configure would edit appears twice in its object. docker's Go decoder reads
 * the last of two equal keys, while jsonc-parser (edit-json-text.ts) finds the first: an edit
 * there would change or remove the entry docker ignores and leave the one it uses, so configure
 * refuses and nothing is written.
 */
export class DuplicateKeyError extends ConfigError {
  constructor(
    readonly file: string,
    readonly parent: readonly string[],
    readonly key: string,
  ) {
    const where = parent.length === 0 ? 'the top level' : JSON.stringify(parent.join('.'));
    const message = `${file}: ${where} has ${JSON.stringify(key)} twice (docker reads the last): keep one, then run configure again`;
    super(message, message);
  }
}

/**
 * Throws `DuplicateKeyError` when a key of one of `paths` (as given to editJsonText or
 * removeJsonPaths) appears more than once in its object, at any depth along the path.
 */
export function checkSingleKeys(root: JsonObject, paths: readonly (readonly string[])[], file: string): void {
  for (const path of paths) {
    let object: JsonObject = root;
    for (const [depth, key] of path.entries()) {
      const entries = object.entries.filter((entry) => entry.key === key);
      if (entries.length > 1) throw new DuplicateKeyError(file, path.slice(0, depth), key);
      const value = entries[0]?.value;
      if (value?.kind !== 'object') break;
      object = value;
    }
  }
}
