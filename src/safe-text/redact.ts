import { maskOpaqueRuns, shortenAccessKeyIds } from './mask-key-material';
import { maskQueries, maskSchemeUserinfo, maskUserinfo } from './mask-url-secrets';
import { isBlank } from './scan-text';

/**
 * Redaction: what of a message may be shown. Owns the order of the masking passes, the
 * registered secrets, and how much of a message is redacted and shown.
 */

/**
 * How much of a message is redacted: all of anything read on standard input (the protocols
 * cap it at 64 KiB), so that redaction never sees half a URL or half a token. Longer text
 * (environment, argv, files) is cut first, at a blank where there is one.
 */
const MAX_REDACTED_CHARS = 64 * 1024;
/** How much of a message is shown, after redaction and escaping: a log line, not a dump. */
export const MAX_SHOWN_CHARS = 4 * 1024;

/**
 * Masks secrets in text that will be logged or shown: registered secrets, URL userinfo and
 * query strings, long random runs (tokens, keys), most of an access key id; at most
 * `MAX_SHOWN_CHARS` of the result, then a mark saying how long the message was. Pure;
 * exported for the messages that go to stdout and for tests.
 *
 * The text is attacker's input (a ServiceAccount annotation, a server URL), so every pass is
 * a hand-written scan, linear in the length: the regular expressions this replaced
 * backtracked polynomially (4 KiB took a minute) and ran before any deadline could fire.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  return capShown(redactWhole(text, secrets), text.length);
}

/** `redact` without the final cut: the logger escapes before it cuts. */
export function redactWhole(text: string, secrets: readonly string[]): string {
  let out = text;
  // On the whole text, before any cut: a secret straddling the cut must not leave its first half.
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return shortenAccessKeyIds(maskOpaqueRuns(maskQueries(maskUserinfo(maskSchemeUserinfo(capRedacted(out))))));
}

/** The first `MAX_REDACTED_CHARS`, without the word the cut falls in (it could be half a secret). */
function capRedacted(text: string): string {
  if (text.length <= MAX_REDACTED_CHARS) return text;
  let cut = MAX_REDACTED_CHARS;
  if (!isBlank(text.charAt(cut))) while (cut > 0 && !isBlank(text.charAt(cut - 1))) cut--;
  return cut > 0 ? text.slice(0, cut).trimEnd() : text.slice(0, MAX_REDACTED_CHARS);
}

/** At most `MAX_SHOWN_CHARS` of `shown`, never half a surrogate pair, and a mark when cut. */
export function capShown(shown: string, originalLength: number): string {
  if (shown.length <= MAX_SHOWN_CHARS && originalLength <= MAX_REDACTED_CHARS) return shown;
  let cut = Math.min(shown.length, MAX_SHOWN_CHARS);
  const last = shown.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${shown.slice(0, cut)} …[message cut: ${originalLength} characters]`;
}
