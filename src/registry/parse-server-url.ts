/** What a server URL says about the registry it names. */
export interface ServerUrl {
  /** `https`, `http`, or undefined when the input had no scheme. */
  readonly scheme: 'https' | 'http' | undefined;
  /** Lower-case host name without a trailing dot; an IPv6 address in brackets. */
  readonly hostname: string;
  /** The port, when one was given and is not the scheme's default (443 without a scheme). */
  readonly port: number | undefined;
}

/** A scheme (`https:`, `unix:`), but not `host:` followed by a port. */
const SCHEME = /^([a-z][a-z0-9+.-]*):(?!\d+(?:[/?#]|$)|$)/i;

/**
 * The one parser for what clients send as a server URL (docs/peers.md §2): surrounding
 * whitespace, an optional `https://` or `http://`, userinfo, `:port`, a path, query or
 * fragment, any letter case. Host and port are judged by the WHATWG URL parser (IPv6
 * literals accepted, ports 0–65535, IDNA), so the ECR parser and the credential-store key
 * give the same answer. Undefined when the input names no host, or uses a scheme other than
 * http(s).
 */
export function parseServerUrl(input: string): ServerUrl | undefined {
  const text = input.trim();
  // The URL parser silently drops tabs and newlines inside its input; a server URL has none.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (text === '' || /[\s\u0000-\u001f\u007f]/.test(text)) return undefined;
  const given = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (given !== undefined && given !== 'https' && given !== 'http') return undefined;
  let url: URL;
  try {
    url = new URL(given === undefined ? `https://${text}` : text);
  } catch {
    return undefined;
  }
  const hostname = url.hostname.replace(/\.$/, '');
  if (hostname === '' || hostname.endsWith('.')) return undefined;
  return { scheme: given, hostname, port: url.port === '' ? undefined : Number(url.port) };
}
