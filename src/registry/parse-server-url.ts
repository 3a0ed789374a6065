/** What a server URL says about the registry it names. */
export interface ServerUrl {
  /** `https`, `http`, or undefined when the input had no scheme. */
  readonly scheme: 'https' | 'http' | undefined;
  /** Lower-case host name without a trailing dot; an IPv6 address in brackets. */
  readonly hostname: string;
  /** The port, when one was given and is not the scheme's default (443 without a scheme). */
  readonly port: number | undefined;
  /**
   * The host and port as the input spells them (letter case and a trailing dot kept; the port's
   * digits, or undefined without any): what kubelet matches an image's `auth` key against.
   */
  readonly written: { readonly host: string; readonly port: string | undefined };
}

/** A scheme (`https:`, `unix:`), but not `host:` followed by a port. */
const SCHEME = /^([a-z][a-z0-9+.-]*):(?!\d+(?:[/?#]|$)|$)/i;
/** RFC 3986 userinfo: unreserved, percent-encoded, sub-delims and `:`, so no `@`, `[`, `]` or `\`. */
const USERINFO = /^(?:[\w.~!$&'()*+,;=:-]|%[0-9a-f]{2})*$/i;
/** A host name as all three readers see it alike: ASCII letters, digits, `-`, `_` and dots. */
const HOST_NAME = /^[a-z0-9_.-]+$/i;
/** A port as all three readers see it alike: digits, no leading zero. */
const PORT = /^(?:0|[1-9]\d{0,4})$/;

/** The input's own spelling of its authority: userinfo, host and port as written. */
interface Authority {
  readonly userinfo: string | undefined;
  readonly host: string;
  readonly port: string | undefined;
}

/**
 * The authority of `rest` (what follows `scheme:`, or the whole input without one) as written,
 * or undefined where RFC 3986, Go's net/url (which docker and containers/image use) and the
 * WHATWG URL parser could disagree about it. With a scheme, exactly `//` must follow: WHATWG
 * reads `https:host` and `https:///host` as the host, Go as a path. The userinfo ends at the
 * one `@` (RFC 3986 allows no second one; WHATWG and Go take the last). Linear: no pattern
 * here can backtrack.
 */
function splitAuthority(rest: string, hasScheme: boolean): Authority | undefined {
  if (hasScheme && (!rest.startsWith('//') || rest.startsWith('///'))) return undefined;
  const afterSlashes = hasScheme ? rest.slice(2) : rest;
  const end = afterSlashes.search(/[/?#]/);
  const authority = end === -1 ? afterSlashes : afterSlashes.slice(0, end);
  const at = authority.indexOf('@');
  if (at !== authority.lastIndexOf('@')) return undefined;
  const userinfo = at === -1 ? undefined : authority.slice(0, at);
  if (userinfo !== undefined && !USERINFO.test(userinfo)) return undefined;
  const hostPort = authority.slice(at + 1);
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) return undefined;
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    return { userinfo, host: hostPort.slice(0, close + 1), port: after === '' ? undefined : after.slice(1) };
  }
  const colon = hostPort.indexOf(':');
  if (colon !== -1 && hostPort.indexOf(':', colon + 1) !== -1) return undefined;
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  if (!HOST_NAME.test(host)) return undefined;
  return { userinfo, host, port: colon === -1 ? undefined : hostPort.slice(colon + 1) };
}

/**
 * The one parser for what clients send as a server URL (docs/peers.md §2): surrounding
 * whitespace, an optional `https://` or `http://`, userinfo, `:port`, a path, query or
 * fragment, any letter case. Host and port are judged by the WHATWG URL parser (IPv6
 * literals accepted, ports 0–65535), so the ECR parser and the credential-store key give the
 * same answer.
 *
 * One strict reading: an input that RFC 3986, Go's net/url (docker, skopeo) and the WHATWG
 * parser could read as different hosts, or that one of them refuses, names no host here. So a
 * backslash (WHATWG reads it as `/`), percent-encoding or non-ASCII in the host (WHATWG decodes
 * and maps it), numeric hosts in any but their plain dotted form (WHATWG reads `0x7f.1` and
 * `2130706433` as 127.0.0.1; Go does not), an IPv6 literal that is not in its canonical form,
 * a zone, a second `@`, a port with a leading zero, and `https:host` without `//` are refused:
 * the host a token goes to is the host every client means.
 *
 * Undefined when the input names no host, uses a scheme other than http(s), or is read
 * differently by those parsers.
 */
export function parseServerUrl(input: string): ServerUrl | undefined {
  return readPlainServerUrl(input) ?? readServerUrl(input);
}

/** Character codes: `a`, `z`, `0`, `9`, `-`, `.`. */
const [LOWER_A, LOWER_Z, DIGIT_0, DIGIT_9, HYPHEN, DOT] = [0x61, 0x7a, 0x30, 0x39, 0x2d, 0x2e] as const;

/**
 * The spelling every client sends for a registry — a lower-case host name, alone or after
 * `https://` — read without the regular expressions and the URL parser, which a cache hit
 * runs once each, cold (~0.3 ms of a Node hit). Only names that `readServerUrl` reads the
 * same way: letters, digits and `-` in non-empty labels, the last of which starts with a
 * letter (so no numeric IPv4 form) and none of which starts with `xn--` (IDNA). Anything else
 * is undefined here and read by `readServerUrl`; a property test holds the two to the same
 * answer (__tests__/property/parsers.property.test.ts).
 */
export function readPlainServerUrl(input: string): ServerUrl | undefined {
  const start = input.startsWith('https://') ? 8 : 0;
  let labelStart = start;
  for (let i = start; i <= input.length; i++) {
    const code = i === input.length ? DOT : input.charCodeAt(i);
    if (code === DOT) {
      if (i === labelStart || input.startsWith('xn--', labelStart)) return undefined;
      if (i === input.length) {
        const first = input.charCodeAt(labelStart);
        if (first < LOWER_A || first > LOWER_Z) return undefined;
      }
      labelStart = i + 1;
    } else if (!((code >= LOWER_A && code <= LOWER_Z) || (code >= DIGIT_0 && code <= DIGIT_9) || code === HYPHEN)) {
      return undefined;
    }
  }
  const hostname = input.slice(start);
  return { scheme: start === 0 ? undefined : 'https', hostname, port: undefined, written: { host: hostname, port: undefined } };
}

/** `parseServerUrl` for any spelling. */
export function readServerUrl(input: string): ServerUrl | undefined {
  const text = input.trim();
  // The URL parser silently drops tabs and newlines inside its input; a server URL has none.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (text === '' || /[\s\u0000-\u001f\u007f\\]/.test(text)) return undefined;
  const given = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (given !== undefined && given !== 'https' && given !== 'http') return undefined;
  const written = splitAuthority(given === undefined ? text : text.slice(given.length + 1), given !== undefined);
  if (written === undefined || (written.port !== undefined && written.port !== '' && !PORT.test(written.port))) return undefined;
  let url: URL;
  try {
    url = new URL(given === undefined ? `https://${text}` : text);
  } catch {
    return undefined;
  }
  // WHATWG only lower-cases a plain name or dotted IPv4 address; anything it rewrote besides
  // (a numeric form, IDNA, an IPv6 literal) is read otherwise by Go and RFC 3986.
  if (url.hostname !== written.host.toLowerCase()) return undefined;
  const hostname = url.hostname.replace(/\.$/, '');
  if (hostname === '' || hostname.endsWith('.')) return undefined;
  const port = url.port === '' ? undefined : Number(url.port);
  return { scheme: given, hostname, port, written: { host: written.host, port: written.port || undefined } };
}
