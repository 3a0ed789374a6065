import { capShown, redactWhole } from './redact';
import { isBlank, replaceRuns } from './scan-text';

/**
 * A message as one line of the log or of stderr: redacted, folded to one line, control
 * characters escaped, cut. Owns which characters are unsafe to write and how they are shown.
 */

/**
 * Folds each run of blanks that holds a line break into one space: a log entry is one line.
 * (The regular expression this replaced, blanks-newline-blanks, rescanned a long run of
 * blanks from each of its characters: quadratic.)
 */
function foldLineBreaks(text: string): string {
  if (!text.includes('\n')) return text;
  return replaceRuns(text, isBlank, (start, end) => (text.slice(start, end).includes('\n') ? { text: ' ', end } : undefined));
}

/**
 * Characters that would let a message forge or hide log lines, or drive a terminal: C0
 * controls (CR, ESC, BEL…), DEL, C1 controls, the Unicode line and paragraph separators and
 * the bidirectional overrides and isolates (which reorder what a reader sees).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g;

/**
 * Escapes what `UNSAFE_CHARS` names as `\xHH` (below U+0100) or `\uHHHH`, so that every line the
 * helper writes to its log or to stderr is one line and shows what it holds. kubelet copies
 * the plugin's stderr into its own log; a ServiceAccount annotation is a tenant's text.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A message as one line of the log or stderr: redacted, folded to one line, escaped, cut. */
export function formatLine(message: string, secrets: readonly string[]): string {
  return capShown(escapeControls(foldLineBreaks(redactWhole(message, secrets))), message.length);
}
