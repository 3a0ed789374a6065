/**
 * A unified diff (`diff -u`) of two texts, for `configure --dry-run`. Configuration files are
 * small, so a longest-common-subsequence table is quick enough; beyond `MAX_CELLS` the whole
 * file is shown as replaced, which is still a correct diff. Written here rather than taken
 * from a package: the diff library most used (jsdiff) is larger than all of `configure`.
 */

const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** Lines without their terminators; a final newline does not make an empty last line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  // Common head and tail first: a configure change touches a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    ops.push(...midA.map((line): Op => ({ kind: '-', line })), ...midB.map((line): Op => ({ kind: '+', line })));
  } else {
    // lcs[i * (m + 1) + j]: the longest common subsequence of midA[i..] and midB[j..].
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          midA[i] === midB[j]
            ? (lcs[(i + 1) * (m + 1) + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * (m + 1) + j] ?? 0, lcs[i * (m + 1) + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', line: midA[i++] ?? '' });
        j++;
      } else if (j < m && (i === n || (lcs[i * (m + 1) + j + 1] ?? 0) >= (lcs[(i + 1) * (m + 1) + j] ?? 0))) {
        ops.push({ kind: '+', line: midB[j++] ?? '' });
      } else {
        ops.push({ kind: '-', line: midA[i++] ?? '' });
      }
    }
    // Removals before additions within a run of changes, as diff -u prints them.
    normaliseRuns(ops, head);
  }
  ops.push(...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function normaliseRuns(ops: Op[], from: number): void {
  let start = from;
  while (start < ops.length) {
    if (ops[start]?.kind === ' ') {
      start++;
      continue;
    }
    let end = start;
    while (end < ops.length && ops[end]?.kind !== ' ') end++;
    const run = ops.slice(start, end);
    ops.splice(start, run.length, ...run.filter((op) => op.kind === '-'), ...run.filter((op) => op.kind === '+'));
    start = end;
  }
}

/** `start,count` of a hunk header; diff prints an empty range as `start-1,0`. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * The unified diff from `before` to `after`, with `---`/`+++` headers naming `fromLabel` and
 * `toLabel`; empty when the texts are the same. A missing final newline is marked as diff
 * marks it (`\ No newline at end of file`).
 */
export function formatUnifiedDiff(before: string, after: string, fromLabel: string, toLabel: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  // A difference in the final newline alone is a change of the last line.
  const lastA = a.length - 1;
  const lastB = b.length - 1;
  const noNewlineA = before !== '' && !before.endsWith('\n');
  const noNewlineB = after !== '' && !after.endsWith('\n');
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  let index = 0;
  let lineA = 0;
  let lineB = 0;
  // Mark each op with its line numbers, then split into hunks around the changes.
  const numbered = ops.map((op) => {
    const at = { op, a: lineA, b: lineB };
    if (op.kind !== '+') lineA++;
    if (op.kind !== '-') lineB++;
    return at;
  });
  // The last line differs only by its newline: show it as removed and added.
  if (noNewlineA !== noNewlineB) {
    const last = [...numbered].reverse().find((entry) => entry.op.kind === ' ' && entry.a === lastA && entry.b === lastB);
    if (last) {
      const at = numbered.indexOf(last);
      numbered.splice(
        at,
        1,
        { op: { kind: '-', line: last.op.line }, a: last.a, b: last.b },
        { op: { kind: '+', line: last.op.line }, a: last.a + 1, b: last.b },
      );
    }
  }
  while (index < numbered.length) {
    const firstChange = numbered.findIndex((entry, i) => i >= index && entry.op.kind !== ' ');
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - CONTEXT);
    let end = firstChange;
    // Extend while the next change is within 2 * CONTEXT unchanged lines.
    for (let i = firstChange; i < numbered.length; i++) {
      if (numbered[i]?.op.kind !== ' ') end = i;
      else if (i - end > 2 * CONTEXT) break;
    }
    const stop = Math.min(numbered.length, end + CONTEXT + 1);
    const hunk = numbered.slice(start, stop);
    const countA = hunk.filter((entry) => entry.op.kind !== '+').length;
    const countB = hunk.filter((entry) => entry.op.kind !== '-').length;
    const first = hunk[0];
    const startA = first ? first.a + 1 : 1;
    const startB = first ? first.b + 1 : 1;
    out.push(`@@ -${range(startA, countA)} +${range(startB, countB)} @@`);
    for (const entry of hunk) {
      out.push(`${entry.op.kind}${entry.op.line}`);
      const isLastA = entry.op.kind !== '+' && entry.a === lastA && noNewlineA;
      const isLastB = entry.op.kind !== '-' && entry.b === lastB && noNewlineB;
      if (isLastA || isLastB) out.push('\\ No newline at end of file');
    }
    index = stop;
  }
  return `${out.join('\n')}\n`;
}
