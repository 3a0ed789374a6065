/**
 * The character tests and the one run-by-run rewrite that every pass over shown text is built
 * from (redaction, line folding). Each test looks at one character, so a scan that asks them
 * once per position is linear in the length of the text: the text is attacker's input.
 */

export const isBlank = (c: string): boolean => /\s/.test(c);
export const isAsciiLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
export const isDigit = (c: string): boolean => c >= '0' && c <= '9';
export const isAlnum = (c: string): boolean => isAsciiLetter(c) || isDigit(c);
export const isWordChar = (c: string): boolean => isAlnum(c) || c === '_';

/** What replaces a run: the text put in its place, and where the replaced part ends (at or past the run's end). */
export interface RunReplacement {
  readonly text: string;
  readonly end: number;
}

/**
 * Rewrites `text` one maximal run of `inRun` characters at a time: `replace` sees each run
 * (`start` to `end`) and returns what stands in its place, or undefined to keep it. A
 * replacement may reach past the run (a token's `=` padding); the scan goes on from its end.
 */
export function replaceRuns(
  text: string,
  inRun: (c: string) => boolean,
  replace: (start: number, end: number) => RunReplacement | undefined,
): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!inRun(text.charAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && inRun(text.charAt(i))) i++;
    const replacement = replace(start, i);
    if (replacement === undefined) continue;
    out += text.slice(from, start) + replacement.text;
    from = replacement.end;
    i = replacement.end;
  }
  return out + text.slice(from);
}
