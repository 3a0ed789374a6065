/**
 * The one way this code narrows parsed JSON (`unknown`) to a typed value: small composable
 * shapes that either return the value or throw a `ShapeError` naming the field and what it
 * should have been. Used by the cache document, the keychain items and the protocol input.
 *
 * Why not a schema library: valibot, the smallest well-kept one, measured here at ~0.7 ms
 * for the first validation of a cache document in a fresh process against ~0.15 ms for these
 * checks, and the cache-hit path runs in a fresh process every time.
 */

/** Narrows a value or throws `ShapeError`; `path` names where the value sits, for messages. */
export type Shape<T> = (value: unknown, path: string) => T;

/** The type a shape produces. */
export type ShapeOf<S> = S extends Shape<infer T> ? T : never;

/** A value that does not have the expected shape. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    /** What is wrong, when it is not "must be `expected`" (an unknown field). */
    readonly problem = `must be ${expected}`,
  ) {
    super(`${path === '' ? 'the value' : `"${path}"`} ${problem}`);
    this.name = 'ShapeError';
  }
}

/**
 * The path of `key` inside `path`: `a.b` for names, `a["x.example.com"]` for keys that are not
 * (host names, annotations), so that a path says unambiguously where a value sits.
 */
const child = (path: string, key: string): string => {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const string: Shape<string> = (value, path) => {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string');
  return value;
};

export const finiteNumber: Shape<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, 'a finite number');
  return value;
};

/** Exactly this value. */
export function literal<const T extends string | number | boolean>(expected: T): Shape<T> {
  return (value, path) => {
    if (value !== expected) throw new ShapeError(path, JSON.stringify(expected));
    return expected;
  };
}

/** A string matching `pattern` (a RegExp, or any test); `description` says what that means, for the message. */
export function matching(pattern: { test(value: string): boolean }, description: string): Shape<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new ShapeError(path, description);
    return value;
  };
}

/** `undefined` or `null` become `fallback`; anything else must match `shape`. */
export function optional<T, F>(shape: Shape<T>, fallback: F): Shape<T | F> {
  return (value, path) => (value === undefined || value === null ? fallback : shape(value, path));
}

/** A JSON object with these fields (others are ignored: peers add fields over releases). */
export function object<F extends Record<string, Shape<unknown>>>(fields: F): Shape<{ [K in keyof F]: ShapeOf<F[K]> }> {
  const entries = Object.entries(fields);
  return (value, path) => {
    if (!isPlainObject(value)) throw new ShapeError(path, 'a JSON object');
    // fromEntries defines own properties, so a "__proto__" key cannot reach a prototype.
    return Object.fromEntries(entries.map(([key, shape]) => [key, shape(value[key], child(path, key))])) as {
      [K in keyof F]: ShapeOf<F[K]>;
    };
  };
}

/**
 * A JSON object with these fields and no others: for files people write by hand, where a
 * misspelt field must be an error rather than silently do nothing.
 */
export function exactObject<F extends Record<string, Shape<unknown>>>(fields: F): Shape<{ [K in keyof F]: ShapeOf<F[K]> }> {
  const loose = object(fields);
  const known = Object.keys(fields);
  return (value, path) => {
    const parsed = loose(value, path);
    const unknown = Object.keys(value as Record<string, unknown>).find((key) => !Object.hasOwn(fields, key));
    if (unknown !== undefined) {
      throw new ShapeError(child(path, unknown), 'absent', `is not a known field (known: ${known.join(', ')})`);
    }
    return parsed;
  };
}

/**
 * A JSON object used as a map. With `dropInvalid`, entries whose value does not match are
 * left out instead of failing the whole map (one damaged cache entry costs one entry).
 */
export function recordOf<T>(shape: Shape<T>, options: { dropInvalid?: boolean } = {}): Shape<Record<string, T>> {
  return (value, path) => {
    if (!isPlainObject(value)) throw new ShapeError(path, 'a JSON object');
    const kept: [string, T][] = [];
    for (const [key, item] of Object.entries(value)) {
      try {
        kept.push([key, shape(item, child(path, key))]);
      } catch (error) {
        if (!(options.dropInvalid && error instanceof ShapeError)) throw error;
      }
    }
    return Object.fromEntries(kept);
  };
}

/** Whether `value` has the shape (for optional data where a mismatch just means "none"). */
function parseShape<T>(shape: Shape<T>, value: unknown): T | undefined {
  try {
    return shape(value, '');
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}

/** Parses JSON text into the shape; undefined when it is not JSON or not of the shape. */
export function parseJsonShape<T>(shape: Shape<T>, text: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return parseShape(shape, value);
}

/**
 * The path of the first key that occurs twice in one object of `text` (valid JSON), or
 * undefined. `JSON.parse` keeps the last of the two without a word; a file that decides
 * whose credentials are used must not have an entry that silently does nothing.
 */
export function findDuplicateKey(text: string): string | undefined {
  /** One open container: its path, and for an object the keys seen so far. */
  const open: { path: string; keys: Set<string> | undefined }[] = [];
  let key: string | undefined;
  for (let pos = 0; pos < text.length; pos++) {
    const char = text[pos];
    if (char === '"') {
      const start = pos;
      for (pos++; text[pos] !== '"'; pos++) if (text[pos] === '\\') pos++;
      const value = JSON.parse(text.slice(start, pos + 1)) as string;
      let next = pos + 1;
      while (' \t\n\r'.includes(text.charAt(next)) && next < text.length) next++;
      const container = open[open.length - 1];
      if (text[next] === ':' && container?.keys) {
        if (container.keys.has(value)) return child(container.path, value);
        container.keys.add(value);
        key = value;
      }
    } else if (char === '{' || char === '[') {
      const parent = open[open.length - 1];
      const path = parent === undefined ? '' : parent.keys && key !== undefined ? child(parent.path, key) : `${parent.path}[]`;
      open.push({ path, keys: char === '{' ? new Set() : undefined });
    } else if (char === '}' || char === ']') {
      open.pop();
    }
  }
  return undefined;
}
