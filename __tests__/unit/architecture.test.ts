import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Process facts (argv, the environment, the platform, the uid, the pid, the exit) come in
 * through src/entry/ and travel down as arguments (STYLE.md: "`process` passed in, never
 * reached for deep inside"). This test reads every other module of src/ and fails on any use
 * of `process`, naming the file and line. dependency-cruiser cannot see this: `process` is a
 * global, not an import.
 */

const SRC = path.resolve(__dirname, '../../src');
const ENTRY = path.join(SRC, 'entry');

/** Every .ts file under `dir`. */
function listTypeScript(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(file);
    return entry.isFile() && entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Whether a `/` after `before` starts a regular expression rather than a division. */
function startsRegex(before: string): boolean {
  const code = before.trimEnd();
  return code === '' || /[(,=:[!&|?{};+\-*%<>~^]$/.test(code) || /\b(?:return|typeof|case|of|in)$/.test(code.slice(-7));
}

/**
 * `source` with what is not code blanked out: comments, and the text of strings, template
 * literals and regular expressions (a `${…}` in a template is code, and stays). Newlines are
 * kept, so a position in the result is on the same line as in `source`. Good enough for our
 * own sources; not a full tokenizer (a `/` after `)` is always taken as a division).
 */
function blankNonCode(source: string): string {
  let out = '';
  let i = 0;
  /** Open template literals' `${` depths: a `}` at that depth goes back into the template. */
  const templates: number[] = [];
  let depth = 0;
  const blank = (text: string): string => text.replace(/[^\n]/g, ' ');

  const readQuoted = (quote: string): void => {
    let j = i + 1;
    while (j < source.length && source[j] !== quote && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
    out += quote + blank(source.slice(i + 1, j)) + (source[j] === quote ? quote : '');
    i = source[j] === quote ? j + 1 : j;
  };
  /** From just inside a template literal (after ` or a `${…}`'s `}`) to its end or its next `${`. */
  const readTemplate = (): void => {
    let j = i;
    while (j < source.length && source[j] !== '`' && !(source[j] === '$' && source[j + 1] === '{')) j += source[j] === '\\' ? 2 : 1;
    out += blank(source.slice(i, j));
    if (source[j] === '`') {
      out += '`';
      i = j + 1;
    } else {
      out += '${';
      templates.push(depth);
      depth += 1;
      i = j + 2;
    }
  };
  const readRegex = (): void => {
    let j = i + 1;
    let inClass = false;
    while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
      if (source[j] === '\\') j += 1;
      else if (source[j] === '[') inClass = true;
      else if (source[j] === ']') inClass = false;
      j += 1;
    }
    out += `/${blank(source.slice(i + 1, j))}/`;
    i = j + 1;
  };

  while (i < source.length) {
    const char = source[i] ?? '';
    const next = source[i + 1];
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (char === '/' && startsRegex(out)) {
      readRegex();
    } else if (char === "'" || char === '"') {
      readQuoted(char);
    } else if (char === '`') {
      out += '`';
      i += 1;
      readTemplate();
    } else if (char === '{') {
      depth += 1;
      out += char;
      i += 1;
    } else if (char === '}') {
      depth -= 1;
      out += char;
      i += 1;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        readTemplate();
      }
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

/** `file:line: text` for each use of the global `process` (or an import of node:process) in `source`. */
function findProcessUses(file: string, source: string): string[] {
  const code = blankNonCode(source);
  const lines = source.split('\n');
  const found: string[] = [];
  const uses = [
    ...code.matchAll(/(?<![\w$.])process(?![\w$])/g),
    // The module's name is a string, blank in `code`: looked for in the source, where `code` has the keyword.
    ...[...source.matchAll(/\b(?:from|require|import)\s*\(?\s*['"](?:node:)?process['"]/g)].filter((match) => code[match.index] !== ' '),
  ];
  for (const match of uses) {
    const index = match.index ?? 0;
    const line = source.slice(0, index).split('\n').length;
    const entry = `${file}:${line}: ${lines[line - 1]?.trim()}`;
    if (!found.includes(entry)) found.push(entry);
  }
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** A source with a template literal's `${`, written `#{` (a `${` in a string is a lint warning). */
const withTemplates = (source: string): string => source.replaceAll('#{', '${');

describe('the scanner that finds `process` (so that the rule below can fail)', () => {
  it.each([
    ['a read', 'const home = process.env.HOME;', ['f.ts:1: const home = process.env.HOME;']],
    ['optional chaining', 'const uid = process.getuid?.();', ['f.ts:1: const uid = process.getuid?.();']],
    ['destructuring', 'const { env } = process;', ['f.ts:1: const { env } = process;']],
    ['node:process imported', "import { env } from 'node:process';", ["f.ts:1: import { env } from 'node:process';"]],
    ['inside a template', 'const a = `#{process.pid}`;', ['f.ts:1: const a = `#{process.pid}`;']],
    ['after a template in a template', 'const a = `x #{`y #{1}`} #{process.pid}`;', ['f.ts:1: const a = `x #{`y #{1}`} #{process.pid}`;']],
    ['on its line', '// a\n/* b\n c */\nconst a = 1;\nprocess.exit(1);', ['f.ts:5: process.exit(1);']],
    ['after a regular expression with quotes and slashes', 'const r = /[\'"/*]/;\nprocess.exit(1);', ['f.ts:2: process.exit(1);']],
  ])('finds %s', (_what, source, expected) => {
    expect(findProcessUses('f.ts', withTemplates(source))).toEqual(expected.map(withTemplates));
  });

  it.each([
    ['in a line comment', '// process.env.HOME'],
    ['in a block comment', '/** Registers the entry\'s `process.once("exit")` */'],
    ['in a string', "log('this process.');"],
    ['in a template', 'log(`the keychain process ended (#{signal})`);'],
    // An object key named `process` is taken for a use: rename it.
    ['as a property', 'const a = child.process; const b = child?.process;'],
    ['in a longer name', 'createKeychainProcess(); const processes = 1; type T = NodeJS.ProcessEnv;'],
    ['in a regular expression', 'const r = /process\\.env/;'],
    ['after a division', 'const a = (b) / 2; const c = "// process.env";'],
  ])('ignores it %s', (_what, source) => {
    expect(findProcessUses('f.ts', withTemplates(source))).toEqual([]);
  });
});

describe('process facts come in through src/entry/', () => {
  it('no module of src/ outside src/entry/ uses `process`', () => {
    const files = listTypeScript(SRC).filter((file) => !file.startsWith(`${ENTRY}${path.sep}`));
    expect(files.length).toBeGreaterThan(50);
    const uses = files.flatMap((file) =>
      findProcessUses(path.relative(path.dirname(SRC), file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8')),
    );
    expect(uses).toEqual([]);
  });
});
