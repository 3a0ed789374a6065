import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSync } from '@swc/core';

/*
 * Every regular expression in src/ is linear in the length of what it is matched against
 * (STYLE.md, convention 14): input is hostile, and a pattern that backtracks polynomially on
 * a 4 KiB ServiceAccount annotation blocks the process past every deadline (issue 16).
 * recheck (https://makenowjust-labs.github.io/recheck/) decides it: its automaton checker
 * proves linearity where it can, and falls back to fuzzing for look-arounds and large
 * counted repeats. Its pure JavaScript build runs here, offline, with no Java or worker.
 *
 * Found with swc's parser (TypeScript 7 has no JavaScript API), so regular expressions in
 * comments and strings are not mistaken for code; a `RegExp` built at run time cannot be
 * checked, so it is refused: write a literal.
 */

const SRC = path.resolve(__dirname, '../../src');

interface Found {
  readonly where: string;
  /** Undefined: a `RegExp` whose pattern is built at run time. */
  readonly source: string | undefined;
  readonly flags: string;
}

function isNode(value: unknown): value is Record<string, unknown> & { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function startOf(node: Record<string, unknown>): number {
  const span = node.span as { start?: unknown } | undefined;
  return typeof span?.start === 'number' ? span.start : 0;
}

/** A string argument known before the program runs: a string literal or a template without `${}`. */
function literalText(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'StringLiteral' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && Array.isArray(node.expressions) && node.expressions.length === 0) {
    const [quasi] = Array.isArray(node.quasis) ? node.quasis : [];
    return isNode(quasi) && typeof quasi.cooked === 'string' ? quasi.cooked : undefined;
  }
  return undefined;
}

/** The regular-expression literals and `new RegExp(…)`/`RegExp(…)` calls of one TypeScript source. */
function findRegexes(code: string, file: string): Found[] {
  const module = parseSync(code, { syntax: 'typescript', target: 'es2022' });
  const bytes = Buffer.from(code);
  // swc's spans are 1-based byte offsets into this source.
  const where = (node: Record<string, unknown>): string =>
    `${file}:${
      bytes
        .subarray(0, Math.max(0, startOf(node) - 1))
        .toString()
        .split('\n').length
    }`;
  const found: Found[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (isNode(value)) {
      if (value.type === 'RegExpLiteral' && typeof value.pattern === 'string') {
        found.push({ where: where(value), source: value.pattern, flags: typeof value.flags === 'string' ? value.flags : '' });
      }
      const callee = value.callee;
      if ((value.type === 'NewExpression' || value.type === 'CallExpression') && isNode(callee) && callee.value === 'RegExp') {
        const args = (Array.isArray(value.arguments) ? value.arguments : []).map((arg: unknown) =>
          typeof arg === 'object' && arg !== null ? (arg as { expression?: unknown }).expression : undefined,
        );
        const source = literalText(args[0]);
        const flags = args.length > 1 ? literalText(args[1]) : '';
        found.push({ where: where(value), source: flags === undefined ? undefined : source, flags: flags ?? '' });
      }
    }
    for (const [key, child] of Object.entries(value)) if (key !== 'span') visit(child);
  };
  visit(module);
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** recheck's verdict, as the checking process reports it. */
interface Verdict {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  readonly summary?: string;
  readonly attack?: string;
  readonly error?: string;
}

/** Checks patterns (JSON `[source, flags][]` on stdin) and prints the verdicts as JSON. */
const CHECKER = `
const { checkSync } = require(process.argv[1]);
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', () => {
  const verdicts = JSON.parse(input).map(([source, flags]) => {
    const d = checkSync(source, flags, { timeout: 60000 });
    return { status: d.status, summary: d.complexity?.summary, attack: d.attack?.pattern, error: d.error && d.error.kind + (d.error.message ? ': ' + d.error.message : '') };
  });
  process.stdout.write(JSON.stringify(verdicts));
});`;

/**
 * recheck's verdicts, keyed `/source/flags`, from plain Node processes run side by side: in
 * jest's module sandbox recheck (compiled from Scala) runs 3 to 10 times slower. The pure
 * JavaScript backend (`RECHECK_SYNC_BACKEND=pure`) needs no Java, native binary or download.
 */
async function checkAll(patterns: ReadonlyArray<readonly [string, string]>): Promise<Map<string, Verdict>> {
  const processes = Math.max(1, Math.min(os.availableParallelism(), 4));
  const shares = Array.from({ length: processes }, (_, k) => patterns.filter((_p, i) => i % processes === k));
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<Verdict[]>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', CHECKER, require.resolve('recheck')], {
            env: { RECHECK_SYNC_BACKEND: 'pure' },
            stdio: ['pipe', 'pipe', 'pipe'],
          });
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('error', reject);
          child.on('close', (code) =>
            code === 0 ? resolve(JSON.parse(out) as Verdict[]) : reject(new Error(`recheck exited ${code}: ${err}`)),
          );
          child.stdin.end(JSON.stringify(share));
        }),
    ),
  );
  const verdicts = new Map<string, Verdict>();
  shares.forEach((share, k) => {
    share.forEach(([source, flags], i) => {
      const verdict = results[k]?.[i];
      if (verdict) verdicts.set(`/${source}/${flags}`, verdict);
    });
  });
  return verdicts;
}

let verdicts = new Map<string, Verdict>();

/** What is wrong with a pattern, in one line naming where, what and the attack; undefined when linear. */
function problemWith(found: Found): string | undefined {
  if (found.source === undefined) return `${found.where}: a RegExp built at run time cannot be checked; write a regular-expression literal`;
  const verdict = verdicts.get(`/${found.source}/${found.flags}`);
  if (verdict?.status === 'safe') return undefined;
  if (!verdict) return `${found.where}: /${found.source}/${found.flags} was not checked`;
  const why =
    verdict.status === 'vulnerable' ? `${verdict.summary}; attack string: ${verdict.attack}` : (verdict.error ?? 'no reason given');
  return `${found.where}: /${found.source}/${found.flags} is ${verdict.status} (${why})`;
}

describe('regular expressions in src/ are linear', () => {
  const found = sourceFiles(SRC).flatMap((file) => findRegexes(fs.readFileSync(file, 'utf8'), path.relative(path.dirname(SRC), file)));
  // One check per distinct pattern; its name lists every place it is written.
  const distinct = new Map<string, Found[]>();
  for (const each of found) {
    const key = each.source === undefined ? `dynamic ${each.where}` : `/${each.source}/${each.flags}`;
    distinct.set(key, [...(distinct.get(key) ?? []), each]);
  }

  const planted = findRegexes('const ok = 1;\nconst bad = /(a+)+$/;\n', 'src/planted.ts');
  beforeAll(async () => {
    const patterns = new Map<string, readonly [string, string]>();
    for (const each of [...found, ...planted])
      if (each.source !== undefined) patterns.set(`/${each.source}/${each.flags}`, [each.source, each.flags]);
    verdicts = await checkAll([...patterns.values()]);
  }, 300_000);

  it('finds the ones it must (the scan sees code, not comments or strings)', () => {
    const sample = [
      'const a = /x+/g; // a /(a+)+$/ comment',
      "const b = '/(a+)+$/';",
      'const c = new RegExp("y*", "i");',
      `const d = RegExp(\`^\${name}$\`);`,
    ].join('\n');
    expect(findRegexes(sample, 'sample.ts')).toEqual([
      { where: 'sample.ts:1', source: 'x+', flags: 'g' },
      { where: 'sample.ts:3', source: 'y*', flags: 'i' },
      { where: 'sample.ts:4', source: undefined, flags: '' },
    ]);
    expect(found.length).toBeGreaterThan(40);
    expect(found.some((f) => f.where.startsWith(path.join('src', 'safe-text', 'format-line.ts')))).toBe(true);
  });

  it('names the file, the line and the attack string of a super-linear pattern', () => {
    expect(planted).toHaveLength(1);
    expect(problemWith(planted[0] as Found)).toMatch(
      /^src\/planted\.ts:2: \/\(a\+\)\+\$\/ is vulnerable \(exponential; attack string: .*'a'/,
    );
    expect(problemWith({ where: 'src/planted.ts:3', source: undefined, flags: '' })).toBe(
      'src/planted.ts:3: a RegExp built at run time cannot be checked; write a regular-expression literal',
    );
  });

  it.each([...distinct.entries()].map(([key, places]) => [key, places.map((p) => p.where).join(', '), places] as const))(
    '%s (%s)',
    (_key, _where, places) => {
      expect(places.map(problemWith).filter((p) => p !== undefined)).toEqual([]);
    },
  );
});
