/**
 * JSON files people and other programs keep (the docker config, the containers auth file, the
 * helper's settings), read and written back so that only what `configure` changes changes:
 * every key keeps its place (`JSON.parse` would move integer-like keys first), every string
 * and number keeps its exact spelling (Go writes `<` as `\u003c`, a re-encode would not), and
 * the file keeps its indentation, line endings and final newline. A syntax error names the
 * line and column, which `JSON.parse` does not do the same way on every runtime.
 */

/** A parsed JSON value; scalars keep their source text. */
export type JsonNode = JsonObject | JsonArray | JsonScalar;

export interface JsonObject {
  readonly kind: 'object';
  readonly entries: JsonEntry[];
  /** The source text, when it was written on one line (`"numbers": [1, 2]`): kept as it was while unchanged. */
  inline?: string;
}

export interface JsonArray {
  readonly kind: 'array';
  readonly items: JsonNode[];
  inline?: string;
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

/** How a file is laid out, so that it is written back the same way. */
export interface JsonLayout {
  /** One level of indentation: a tab (docker's own), or some spaces. */
  readonly indent: string;
  readonly newline: '\n' | '\r\n';
  readonly finalNewline: boolean;
}

/** Docker writes its config tab-indented; new files get that, and a final newline. */
export const DEFAULT_LAYOUT: JsonLayout = { indent: '\t', newline: '\n', finalNewline: true };

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

/**
 * Parses JSON text into nodes that keep key order and scalar spelling. Throws
 * `JsonSyntaxError` at the first problem. Duplicate keys are kept (the last one counts, as in
 * Go's decoder, which is what docker and the containers tools use).
 */
export function parseJsonDocument(text: string): JsonNode {
  let pos = 0;

  const fail = (problem: string, at = pos): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new JsonSyntaxError(problem, at, line, column);
  };
  const skipSpace = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text.charAt(pos))) pos++;
  };
  const unexpected = (expected: string): never => fail(`expected ${expected}, found ${describeChar(text[pos])}`);

  const parseString = (): string => {
    const start = pos;
    pos++;
    for (;;) {
      const char = text[pos];
      if (char === undefined) return fail('unterminated string', start);
      if (char === '"') break;
      if (char === '\\') {
        ESCAPE.lastIndex = pos;
        if (!ESCAPE.test(text)) return fail('invalid escape in string');
        pos = ESCAPE.lastIndex;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) return fail(`${describeChar(char)} in string (escape it)`);
      pos++;
    }
    pos++;
    return text.slice(start, pos);
  };

  // A file all on one line is laid out afresh as a whole; in a laid-out file, a container
  // someone wrote on one line stays so.
  const multiLine = text.trim().includes('\n');
  /** Remembers a container's source text when it sits on one line. */
  const withInline = <T extends JsonObject | JsonArray>(start: number, node: T): T => {
    const source = text.slice(start, pos);
    if (multiLine && !source.includes('\n')) node.inline = source;
    return node;
  };

  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) return fail('nested too deeply');
    skipSpace();
    const char = text[pos];
    const start = pos;
    if (char === '{') return withInline(start, parseObject(depth));
    if (char === '[') return withInline(start, parseArray(depth));
    if (char === '"') return { kind: 'scalar', raw: parseString() };
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return { kind: 'scalar', raw: literal };
      }
    }
    NUMBER.lastIndex = pos;
    if (char !== undefined && /[-0-9]/.test(char) && NUMBER.test(text)) {
      const raw = text.slice(pos, NUMBER.lastIndex);
      pos = NUMBER.lastIndex;
      return { kind: 'scalar', raw };
    }
    return unexpected('a value');
  };

  /** At a container's start: true (and past it) when `close` follows at once. */
  const isEmpty = (close: '}' | ']'): boolean => {
    skipSpace();
    if (text[pos] !== close) return false;
    pos++;
    return true;
  };
  /** After an item: true when a `,` follows, false at `close`; either is consumed. */
  const hasMore = (close: '}' | ']'): boolean => {
    skipSpace();
    const char = text[pos];
    if (char !== ',' && char !== close) return unexpected(`"," or "${close}"`);
    pos++;
    return char === ',';
  };

  const parseObject = (depth: number): JsonObject => {
    pos++;
    const entries: JsonEntry[] = [];
    if (isEmpty('}')) return { kind: 'object', entries };
    do {
      skipSpace();
      if (text[pos] !== '"') unexpected('a key in double quotes');
      const rawKey = parseString();
      skipSpace();
      if (text[pos] !== ':') unexpected('":"');
      pos++;
      const value = parseValue(depth + 1);
      entries.push({ key: JSON.parse(rawKey) as string, rawKey, value });
    } while (hasMore('}'));
    return { kind: 'object', entries };
  };

  const parseArray = (depth: number): JsonArray => {
    pos++;
    const items: JsonNode[] = [];
    if (isEmpty(']')) return { kind: 'array', items };
    do items.push(parseValue(depth + 1));
    while (hasMore(']'));
    return { kind: 'array', items };
  };

  const value = parseValue(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describeChar(text[pos])} after the end of the JSON value`);
  return value;
}

/**
 * The layout of existing text: the indentation of its first indented line (a tab if no line
 * is indented: a one-line file gets docker's style), CRLF if it uses CRLF, and whether it ends
 * with a newline (docker's own writes do not).
 */
export function detectLayout(text: string): JsonLayout {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  return {
    indent: indent === undefined ? '\t' : indent.startsWith('\t') ? '\t' : ' '.repeat(indent.length),
    newline: text.includes('\r\n') ? '\r\n' : '\n',
    finalNewline: /\n$/.test(text),
  };
}

/**
 * Writes nodes out as Go's `json.MarshalIndent` and `JSON.stringify(v, null, indent)` do
 * (`"key": value`, empty containers as `{}`/`[]`), with scalars exactly as they were read.
 */
export function formatJsonDocument(node: JsonNode, layout: JsonLayout): string {
  const { indent, newline } = layout;
  const format = (value: JsonNode, depth: number): string => {
    if (value.kind === 'scalar') return value.raw;
    // A one-line container nobody changed stays as it was written (but a whole file on one line is laid out).
    if (depth > 0 && isPristine(value) && value.inline !== undefined) return value.inline;
    const inner = indent.repeat(depth + 1);
    const lines =
      value.kind === 'object'
        ? value.entries.map((entry) => `${inner}${entry.rawKey}: ${format(entry.value, depth + 1)}`)
        : value.items.map((item) => `${inner}${format(item, depth + 1)}`);
    const [open, close] = value.kind === 'object' ? ['{', '}'] : ['[', ']'];
    if (lines.length === 0) return `${open}${close}`;
    return `${open}${newline}${lines.join(`,${newline}`)}${newline}${indent.repeat(depth)}${close}`;
  };
  return format(node, 0) + (layout.finalNewline ? newline : '');
}

/** Unchanged since parsed: it and everything in it still have their source text. */
function isPristine(node: JsonNode): boolean {
  if (node.kind === 'scalar') return true;
  if (node.inline === undefined) return false;
  return node.kind === 'object' ? node.entries.every((entry) => isPristine(entry.value)) : node.items.every(isPristine);
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
  object.inline = undefined;
  const entry = findEntry(object, key);
  if (entry) entry.value = value;
  else object.entries.push({ key, rawKey: JSON.stringify(key), value });
}
