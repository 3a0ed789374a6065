import { isAlnum, isDigit, isWordChar, replaceRuns } from './scan-text';

/**
 * Key material in free text: long random runs (ECR tokens and passwords, session tokens,
 * secret keys) masked whole, access key ids shortened to what tells them apart.
 */

const isOpaqueChar = (c: string): boolean => isAlnum(c) || c === '+' || c === '/' || c === '_' || c === '-';

/** Long base64/base64url runs (32 characters and more, with up to two `=`): ECR tokens and passwords, session tokens, secret keys. */
export function maskOpaqueRuns(text: string): string {
  return replaceRuns(text, isOpaqueChar, (start, runEnd) => {
    if (runEnd - start < 32) return undefined;
    let end = runEnd;
    for (let pad = 0; pad < 2 && text.charAt(end) === '='; pad++) end++;
    return { text: maskOpaque(text.slice(start, end)), end };
  });
}

/** Random material mixes digits and both cases; file paths and words rarely do. */
function maskOpaque(run: string): string {
  // An absolute path: judge each component alone, so `/tmp/x-Ab3dE9/cache.json` stays legible.
  if (run.startsWith('/'))
    return run
      .split('/')
      .map((part) => (part.length >= 32 ? maskOpaque(part) : part))
      .join('/');
  const looksRandom = /\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run);
  return looksRandom || run.length >= 64 ? '[REDACTED]' : run;
}

const ACCESS_KEY_KINDS = ['AKIA', 'ASIA', 'AIDA', 'AROA'];
const isKeyChar = (c: string): boolean => (c >= 'A' && c <= 'Z') || isDigit(c);

/**
 * Access key ids (a kind, then 16 or more capitals and digits, a whole word) keep their kind
 * and last four characters: enough to tell keys apart. `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`.
 */
export function shortenAccessKeyIds(text: string): string {
  return replaceRuns(text, isWordChar, (start, end) => {
    const kind = ACCESS_KEY_KINDS.find((k) => text.startsWith(k, start));
    if (kind === undefined || end - start - kind.length < 16) return undefined;
    for (let i = start + kind.length; i < end; i++) if (!isKeyChar(text.charAt(i))) return undefined;
    return { text: `${kind}…${text.slice(end - 4, end)}`, end };
  });
}
