import { isAlnum, isAsciiLetter, isBlank } from './scan-text';

/**
 * The secrets a URL can carry, masked wherever a URL appears in text: userinfo
 * (`user:password@`, with or without a scheme) and query strings. Hand-written linear scans:
 * the regular expressions they replaced backtracked polynomially on attacker's input.
 */

/** What RFC 3986 allows in a scheme after its first letter. */
const isSchemeChar = (c: string): boolean => isAlnum(c) || c === '+' || c === '.' || c === '-';

/**
 * For each position i: the last `@` at or after i, in the run of `inRun` characters that holds
 * i, that a host name follows (up to a blank, quote, `/` or the next `@`, at least one letter
 * or digit); -1 if none. Computed right to left in one pass: "the last such `@`" is the userinfo
 * end that a greedy `[…]*@(?=host)` would have settled on.
 */
function lastUserinfoEnd(text: string, inRun: (c: string) => boolean): Int32Array {
  const n = text.length;
  const hostAhead = new Uint8Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charAt(i);
    const inHost = !isBlank(c) && c !== '"' && c !== "'" && c !== '/' && c !== '@';
    hostAhead[i] = inHost && (isAlnum(c) || hostAhead[i + 1] === 1) ? 1 : 0;
  }
  const end = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charAt(i);
    if (!inRun(c)) continue;
    const later = end[i + 1] ?? -1;
    end[i] = later >= 0 ? later : c === '@' && hostAhead[i + 1] === 1 ? i : -1;
  }
  return end;
}

/**
 * For each position i: the index of the `://` that the run of scheme characters holding i
 * ends at, or -1. A scheme starts at i when this is set and text[i] is a letter.
 */
function schemeEnds(text: string): Int32Array {
  const n = text.length;
  const at = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    if (text.startsWith('://', i + 1) && isSchemeChar(text.charAt(i))) at[i] = i + 1;
    else if (isSchemeChar(text.charAt(i))) at[i] = at[i + 1] ?? -1;
  }
  return at;
}

/**
 * Where userinfo starts for a scan at position i (its end is `userinfoEnd[start]`), -1 for none
 * here, or how far the scan may skip.
 */
type UserinfoAt = (i: number, scheme: Int32Array, userinfoEnd: Int32Array) => number | { readonly skipTo: number };

/** Replaces each userinfo that `userinfoAt` finds (in runs of `inRun` characters) with `[REDACTED]@`. */
function maskUserinfoWith(text: string, inRun: (c: string) => boolean, userinfoAt: UserinfoAt): string {
  const scheme = schemeEnds(text);
  const userinfoEnd = lastUserinfoEnd(text, inRun);
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const start = userinfoAt(i, scheme, userinfoEnd);
    if (typeof start !== 'number') {
      i = start.skipTo;
      continue;
    }
    if (start < 0) continue;
    const end = userinfoEnd[start] ?? -1;
    out += `${text.slice(from, start)}[REDACTED]@`;
    from = end + 1;
    i = end;
  }
  return out + text.slice(from);
}

const isAuthorityChar = (c: string): boolean => !isBlank(c) && c !== '/';

/**
 * After a scheme, everything up to the last `@` of the authority is userinfo, quotes and all:
 * `https://bob:p"w@host` → `https://[REDACTED]@host`.
 */
export function maskSchemeUserinfo(text: string): string {
  if (!text.includes('://')) return text;
  return maskUserinfoWith(text, isAuthorityChar, (i, scheme, userinfoEnd) => {
    const sep = scheme[i] ?? -1;
    if (sep < 0 || !isAsciiLetter(text.charAt(i))) return -1;
    const authority = sep + 3;
    const end = authority < text.length ? (userinfoEnd[authority] ?? -1) : -1;
    // No userinfo after this scheme, whichever of its letters it is read from.
    return end < 0 ? { skipTo: sep + 2 } : authority;
  });
}

const isUserinfoChar = (c: string): boolean =>
  !isBlank(c) && c !== '"' && c !== "'" && c !== '/' && c !== '?' && c !== '#' && c !== '<' && c !== '>';
/** Where userinfo without a scheme may start: after a blank, a quote, `(`, `=`, `<` or `,`. */
const opensWord = (c: string): boolean => isBlank(c) || c === '"' || c === "'" || c === '(' || c === '=' || c === '<' || c === ',';

/**
 * Userinfo (`user:password@`) before a host, with or without a scheme: a server URL may carry
 * a password (`bob:pw@registry`), and so may text that quotes one. A word that merely ends in
 * `@` (`user@`, then a blank) is not userinfo.
 */
export function maskUserinfo(text: string): string {
  if (!text.includes('@')) return text;
  return maskUserinfoWith(text, isUserinfoChar, (i, scheme, userinfoEnd) => {
    const sep = scheme[i] ?? -1;
    if (sep >= 0 && isAsciiLetter(text.charAt(i)) && (userinfoEnd[sep + 3] ?? -1) > sep + 3) return sep + 3;
    if ((i === 0 || opensWord(text.charAt(i - 1))) && (userinfoEnd[i] ?? -1) > i) return i;
    return -1;
  });
}

const isQueryStop = (c: string): boolean => isBlank(c) || c === '"' || c === "'" || c === '#';

/**
 * A URL's query string (with or without a scheme), which may carry signed parameters or
 * tokens: the `?…` after a word that has a `.` or `/` (a host or a path), up to a blank, quote
 * or `#`. `what? nothing` is a question, not a URL.
 */
export function maskQueries(text: string): string {
  if (!text.includes('?')) return text;
  let out = '';
  let from = 0;
  let looksLikeUrl = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '?' && looksLikeUrl) {
      let end = i + 1;
      while (end < text.length && !isQueryStop(text.charAt(end))) end++;
      out += `${text.slice(from, i)}?[REDACTED]`;
      from = end;
      i = end - 1;
      looksLikeUrl = false;
    } else if (isQueryStop(c) || c === '?') looksLikeUrl = false;
    else if (c === '.' || c === '/') looksLikeUrl = true;
  }
  return out + text.slice(from);
}
