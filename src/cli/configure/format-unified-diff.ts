import { createTwoFilesPatch } from 'diff';

/** A hunk header as jsdiff writes it: `@@ -a,b +c,d @@`. */
const HUNK_HEADER = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/gm;

/** `start,count` as `diff -u` writes a range: the count left out when it is 1. */
function range(start: string, count: string): string {
  return count === '1' ? start : `${start},${count}`;
}

/**
 * A unified diff (`diff -u`) of two texts, for `configure --dry-run`, by jsdiff's
 * `createTwoFilesPatch`, in GNU diff's own form (which `patch` applies): without jsdiff's
 * `Index:` line and line of `=` before the file names, and with one-line ranges written
 * without their count. Line
 * breaks are compared as lines (a CRLF file diffs as its lines), and an unchanged text gives
 * an empty diff.
 */
export function formatUnifiedDiff(before: string, after: string, fromLabel: string, toLabel: string): string {
  if (before === after) return '';
  const lf = (text: string): string => text.replace(/\r\n/g, '\n');
  const patch = createTwoFilesPatch(fromLabel, toLabel, lf(before), lf(after), undefined, undefined, { context: 3 });
  return patch
    .slice(patch.indexOf('--- '))
    .replace(HUNK_HEADER, (_all, a: string, b: string, c: string, d: string) => `@@ -${range(a, b)} +${range(c, d)} @@`);
}
