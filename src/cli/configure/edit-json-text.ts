import { applyEdits, type Edit, findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';

/** How a file lays its JSON out: the indent of one level, the line break, a final line break. */
export interface JsonLayout {
  readonly indent: string;
  readonly newline: string;
  readonly finalNewline: boolean;
}

/** docker's own layout (`json.MarshalIndent(…, "", "\t")` and a final newline): for new files. */
export const DOCKER_LAYOUT: JsonLayout = { indent: '\t', newline: '\n', finalNewline: true };

/**
 * The layout of existing text: the indentation of its first indented line (a tab if no line
 * is indented: a one-line file gets docker's style), CRLF if it uses CRLF, and whether it ends
 * with a newline (docker's own writes do not); docker's for a new or empty file.
 */
export function detectLayout(text: string | undefined): JsonLayout {
  if (text === undefined || text.trim() === '') return DOCKER_LAYOUT;
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  return {
    indent: indent === undefined ? '\t' : indent.startsWith('\t') ? '\t' : ' '.repeat(indent.length),
    newline: text.includes('\r\n') ? '\r\n' : '\n',
    finalNewline: /\n$/.test(text),
  };
}

/** One change: the value at `path` (object keys) becomes `value`; missing objects on the way are made. */
export interface JsonSet {
  readonly path: readonly string[];
  readonly value: unknown;
}

/** `value` as JSON laid out in `layout`, its first line where it stands, the others at `depth`. */
function render(value: unknown, depth: number, layout: JsonLayout): string {
  const text = JSON.stringify(value, null, layout.indent) ?? 'null';
  return text.replace(/\n/g, `${layout.newline}${layout.indent.repeat(depth)}`);
}

/** Whether a node's text is on one line (`{"gcr.io": "gcloud"}`). */
function isOneLine(text: string, node: Node): boolean {
  return !text.slice(node.offset, node.offset + node.length).includes('\n');
}

/**
 * An object written on one line, with `entries` added, laid out one entry per line as the file
 * lays out its others; each old value keeps its own text (a one-line array stays one line).
 */
function relayObject(text: string, node: Node, added: readonly string[], depth: number, layout: JsonLayout): string {
  const inner = `${layout.newline}${layout.indent.repeat(depth + 1)}`;
  const entries = (node.children ?? []).map((property) => text.slice(property.offset, property.offset + property.length));
  return `{${[...entries, ...added].map((entry) => `${inner}${entry}`).join(',')}${layout.newline}${layout.indent.repeat(depth)}}`;
}

/** The edit that makes `set` hold in `text`. */
function editFor(text: string, set: JsonSet, layout: JsonLayout): Edit {
  const tree = parseTree(text);
  if (tree === undefined || tree.type !== 'object') throw new Error('the document is not a JSON object');
  const path = [...set.path];
  // The deepest object on the path that exists; the rest is made, nested, as one new value.
  let found = path.length;
  while (found > 0 && findNodeAtLocation(tree, path.slice(0, found)) === undefined) found -= 1;
  const existing = found === 0 ? tree : findNodeAtLocation(tree, path.slice(0, found));
  if (existing === undefined) throw new Error('unreachable: the root exists');
  if (found === path.length) {
    // The value itself exists: replaced in place, laid out at its depth.
    return { offset: existing.offset, length: existing.length, content: render(set.value, path.length, layout) };
  }
  const parent = existing;
  const nested = path.slice(found + 1).reduceRight<unknown>((value, key) => ({ [key]: value }), set.value);
  // `"credHelpers": null` (docker reads it as none): the null becomes the object.
  if (parent.type === 'null') {
    return { offset: parent.offset, length: parent.length, content: render({ [path[found] ?? '']: nested }, found, layout) };
  }
  if (parent.type !== 'object') throw new Error(`"${path.slice(0, found).join('.')}" is not an object`);
  const depth = found + 1;
  const property = `${JSON.stringify(path[found])}: ${render(nested, depth, layout)}`;
  const children = parent.children ?? [];
  const last = children.at(-1);
  // A one-line object that gains an entry is laid out as the file's others are (docker's way).
  if (last !== undefined && isOneLine(text, parent)) {
    return { offset: parent.offset, length: parent.length, content: relayObject(text, parent, [property], found, layout) };
  }
  if (last !== undefined) {
    return { offset: last.offset + last.length, length: 0, content: `,${layout.newline}${layout.indent.repeat(depth)}${property}` };
  }
  // An empty object: its inside (blanks and all) becomes the one entry.
  return {
    offset: parent.offset + 1,
    length: parent.length - 2,
    content: `${layout.newline}${layout.indent.repeat(depth)}${property}${layout.newline}${layout.indent.repeat(depth - 1)}`,
  };
}

/**
 * Applies `sets` to a JSON document in place: only the values set (and, for a one-line object
 * that gains an entry, that object) change; every other byte — blank lines, spacing, key
 * order, how numbers and escapes are written — stays as it was. jsonc-parser (the parser VS
 * Code edits settings with) finds where each value is; the new text is laid out in `layout`.
 * A missing or empty document becomes `{}` first, laid out as docker writes its config.
 */
export function editJsonText(text: string | undefined, sets: readonly JsonSet[], layout: JsonLayout): string {
  const fresh = text === undefined || text.trim() === '';
  let out = fresh ? '{}' : text;
  for (const set of sets) out = applyEdits(out, [editFor(out, set, layout)]);
  if (fresh && layout.finalNewline) out += layout.newline;
  return out;
}

/** The edit that takes the property at `path` out of its object, with its separator; undefined if there is none. */
function removalFor(text: string, path: readonly string[]): Edit | undefined {
  const tree = parseTree(text);
  const parent = tree && findNodeAtLocation(tree, path.slice(0, -1));
  if (parent?.type !== 'object') return undefined;
  const properties = parent.children ?? [];
  const at = properties.findIndex((property) => property.children?.[0]?.value === path.at(-1));
  const property = properties[at];
  if (property === undefined) return undefined;
  const next = properties[at + 1];
  const previous = properties[at - 1];
  // Up to the next property (its line's indent stays the next one's), or from the end of the previous one.
  if (next !== undefined) return { offset: property.offset, length: next.offset - property.offset, content: '' };
  if (previous !== undefined) {
    const from = previous.offset + previous.length;
    return { offset: from, length: property.offset + property.length - from, content: '' };
  }
  return { offset: parent.offset + 1, length: parent.length - 2, content: '' };
}

/**
 * Takes the properties at `paths` out of a JSON document, each with the comma and line break
 * that separated it, every other byte as it was; an object left empty by it goes too (the
 * `credHelpers` configure made for one registry). Paths that name nothing are passed over.
 */
export function removeJsonPaths(text: string, paths: readonly (readonly string[])[]): string {
  let out = text;
  const parents = new Map<string, readonly string[]>();
  for (const path of paths) {
    const edit = removalFor(out, path);
    if (edit === undefined) continue;
    out = applyEdits(out, [edit]);
    if (path.length > 1) parents.set(JSON.stringify(path.slice(0, -1)), path.slice(0, -1));
  }
  for (const parent of parents.values()) {
    const tree = parseTree(out);
    const node = tree && findNodeAtLocation(tree, [...parent]);
    if (node?.type === 'object' && (node.children ?? []).length === 0) out = removeJsonPaths(out, [parent]);
  }
  return out;
}
