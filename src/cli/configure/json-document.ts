/**
 * JSON files people and other programs keep (the docker config, the containers auth file, the
 * helper's settings), read for `configure` to decide what to change; the change itself is made
 * in the text by edit-json-text.ts (jsonc-parser). Kept as our own parser rather than
 * jsonc-parser's, because it must refuse exactly what docker's Go decoder refuses: jsonc-parser
 * reads `{"a": 1,}`, comments and a byte order mark without complaint (checked with
 * `parseTree`), and a file configure accepted would then break docker. A syntax error names
 * the line and column, which `JSON.parse` does not do the same way on every runtime; keys stay
 * in file order and scalars keep their spelling, so decisions see the file as docker does.
 */

/** A parsed JSON value; scalars keep their source text. */
export type JsonNode = JsonObject | JsonArray | JsonScalar;

export interface JsonObject {
  readonly kind: 'object';
  readonly entries: JsonEntry[];
}

export interface JsonArray {
  readonly kind: 'array';
  readonly items: JsonNode[];
}

/** A string, number, `true`, `false` or `null`, as written in the file. */
export interface JsonScalar {
  readonly kind: 'scalar';
  readonly raw: string;
}

export interface JsonEntry {
  /** The key, decoded. */
  readonly key: string;
  /** The key as written (with its quotes and escapes). */
  readonly rawKey: string;
  value: JsonNode;
}

/** Text that is not JSON; `line` and `column` count from 1 (columns in UTF-16 units). */
export class JsonSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${problem} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Deeper than any configuration file: a hostile file must not exhaust the stack. */
const MAX_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'end of file';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || code === 0xfeff) return `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${char}"`;
}

/** The text being parsed and how far the parser has read it. */
interface Cursor {
  readonly text: string;
  pos: number;
}

/** Throws the `JsonSyntaxError` for `problem` at offset `at` (by default where the cursor is). */
function fail(c: Cursor, problem: string, at = c.pos): never {
  const before = c.text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  throw new JsonSyntaxError(problem, at, line, column);
}

/** Past the blanks JSON allows between tokens (not U+FEFF, not comments: Go's decoder refuses them). */
function skipSpace(c: Cursor): void {
  while (c.pos < c.text.length && ' \t\n\r'.includes(c.text.charAt(c.pos))) c.pos++;
}

/** Throws for the character at the cursor, saying what was `expected` there instead. */
function unexpected(c: Cursor, expected: string): never {
  return fail(c, `expected ${expected}, found ${describeChar(c.text[c.pos])}`);
}

/** At a `"`: reads the string and returns it as written (quotes and escapes kept). */
function parseString(c: Cursor): string {
  const { text } = c;
  const start = c.pos;
  c.pos++;
  for (;;) {
    const char = text[c.pos];
    if (char === undefined) return fail(c, 'unterminated string', start);
    if (char === '"') break;
    if (char === '\\') {
      ESCAPE.lastIndex = c.pos;
      if (!ESCAPE.test(text)) return fail(c, 'invalid escape in string');
      c.pos = ESCAPE.lastIndex;
      continue;
    }
    if (char.charCodeAt(0) < 0x20) return fail(c, `${describeChar(char)} in string (escape it)`);
    c.pos++;
  }
  c.pos++;
  return text.slice(start, c.pos);
}

/** Any value, after optional blanks; `depth` counts the containers it is in. */
function parseValue(c: Cursor, depth: number): JsonNode {
  if (depth > MAX_DEPTH) return fail(c, 'nested too deeply');
  skipSpace(c);
  const { text } = c;
  const char = text[c.pos];
  if (char === '{') return parseObject(c, depth);
  if (char === '[') return parseArray(c, depth);
  if (char === '"') return { kind: 'scalar', raw: parseString(c) };
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, c.pos)) {
      c.pos += literal.length;
      return { kind: 'scalar', raw: literal };
    }
  }
  NUMBER.lastIndex = c.pos;
  if (char !== undefined && /[-0-9]/.test(char) && NUMBER.test(text)) {
    const raw = text.slice(c.pos, NUMBER.lastIndex);
    c.pos = NUMBER.lastIndex;
    return { kind: 'scalar', raw };
  }
  return unexpected(c, 'a value');
}

/** At a container's start: true (and past it) when `close` follows at once. */
function isEmpty(c: Cursor, close: '}' | ']'): boolean {
  skipSpace(c);
  if (c.text[c.pos] !== close) return false;
  c.pos++;
  return true;
}

/** After an item: true when a `,` follows, false at `close`; either is consumed. */
function hasMore(c: Cursor, close: '}' | ']'): boolean {
  skipSpace(c);
  const char = c.text[c.pos];
  if (char !== ',' && char !== close) return unexpected(c, `"," or "${close}"`);
  c.pos++;
  return char === ',';
}

/** At a `{`: the object, its entries in file order, duplicates kept. */
function parseObject(c: Cursor, depth: number): JsonObject {
  c.pos++;
  const entries: JsonEntry[] = [];
  if (isEmpty(c, '}')) return { kind: 'object', entries };
  do {
    skipSpace(c);
    if (c.text[c.pos] !== '"') unexpected(c, 'a key in double quotes');
    const rawKey = parseString(c);
    skipSpace(c);
    if (c.text[c.pos] !== ':') unexpected(c, '":"');
    c.pos++;
    const value = parseValue(c, depth + 1);
    entries.push({ key: JSON.parse(rawKey) as string, rawKey, value });
  } while (hasMore(c, '}'));
  return { kind: 'object', entries };
}

/** At a `[`: the array. */
function parseArray(c: Cursor, depth: number): JsonArray {
  c.pos++;
  const items: JsonNode[] = [];
  if (isEmpty(c, ']')) return { kind: 'array', items };
  do items.push(parseValue(c, depth + 1));
  while (hasMore(c, ']'));
  return { kind: 'array', items };
}

/**
 * Parses JSON text into nodes that keep key order and scalar spelling. Throws
 * `JsonSyntaxError` at the first problem. Duplicate keys are kept (the last one counts, as in
 * Go's decoder, which is what docker and the containers tools use).
 */
export function parseJsonDocument(text: string): JsonNode {
  const c: Cursor = { text, pos: 0 };
  const value = parseValue(c, 0);
  skipSpace(c);
  if (c.pos < text.length) fail(c, `unexpected ${describeChar(text[c.pos])} after the end of the JSON value`);
  return value;
}

/** A JSON string node for `value`. */
export function jsonString(value: string): JsonScalar {
  return { kind: 'scalar', raw: JSON.stringify(value) };
}

/** The string a scalar holds; undefined for anything else. */
export function stringValue(node: JsonNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || !node.raw.startsWith('"')) return undefined;
  return JSON.parse(node.raw) as string;
}

/** The entry the readers use for `key` (the last, as Go's decoder keeps the last duplicate). */
export function findEntry(object: JsonObject, key: string): JsonEntry | undefined {
  for (let i = object.entries.length - 1; i >= 0; i--) {
    const entry = object.entries[i];
    if (entry?.key === key) return entry;
  }
  return undefined;
}

/** Sets `key` to `value`: in place where it is, else appended at the end. */
export function setEntry(object: JsonObject, key: string, value: JsonNode): void {
  const entry = findEntry(object, key);
  if (entry) entry.value = value;
  else object.entries.push({ key, rawKey: JSON.stringify(key), value });
}
