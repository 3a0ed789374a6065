/**
 * kubelet's matching of an image against a provider's `matchImages` pattern, and of an `auth`
 * key of the provider's answer against the image — the one copy in this project, written from
 * k8s.io/kubernetes pkg/credentialprovider/keyring.go (`URLsMatch`, `ParseSchemelessURL`,
 * `SplitURL`, `BasicDockerKeyring.Add`): both are read as scheme-less URLs (Go's net/url after
 * `https://`); the hosts are split from their ports by Go's net.SplitHostPort (where it fails,
 * the whole host is one name and there is no port); the hosts must have the same number of
 * dot-separated parts and each part must match as a glob (Go's `filepath.Match`); the ports
 * must be equal as written (absent on both counts as equal); the pattern's path must be a
 * prefix of the image's. An `auth` key is first normalised as Add stores it.
 */

/** What URLsMatch reads of a scheme-less URL. */
export interface SchemelessUrl {
  /** Go's `url.Host`: the host and port as written, brackets kept, without user info. */
  readonly host: string;
  /** The host name without the port, split on dots; letter case as written. */
  readonly hostParts: readonly string[];
  /** The port digits as written, or '' when there are none. */
  readonly port: string;
  /** The path, percent-decoded, from its leading `/` ('' when none). */
  readonly path: string;
}

/** Longer than any image reference or pattern kubelet would be handed. */
const MAX_LENGTH = 4096;

/** ASCII characters Go's net/url accepts in a host besides letters, digits and `%` escapes. */
const HOST_PUNCTUATION = new Set([...'-._~!$&\'()*+,;=:[]<>"']);

function isValidHostChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0x80 || /^[A-Za-z0-9%]$/.test(char) || HOST_PUNCTUATION.has(char);
}

/** Go's `url.PathUnescape` of a path: undefined for a `%` not followed by two hex digits. */
function unescapePath(path: string): string | undefined {
  if (!path.includes('%')) return path;
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Whether Go's url.Parse accepts `host` (its parseHost): a bracketed literal then `:digits`, or `:digits` after the last colon. */
function isValidUrlHost(host: string): boolean {
  if (host.startsWith('[')) {
    const bracketEnd = host.indexOf(']');
    return bracketEnd >= 0 && /^(:\d*)?$/.test(host.slice(bracketEnd + 1));
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return false;
  return [...host].every(isValidHostChar);
}

/**
 * Go's `net.SplitHostPort`, or undefined where it fails: no colon; `[` without `]`, or `]`
 * not right before the last colon; a colon in an unbracketed host; a stray `[` or `]`.
 */
export function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host: string;
  let from = 0;
  let after = 0;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || end + 1 !== colon) return undefined;
    host = hostPort.slice(1, end);
    from = 1;
    after = end + 1;
  } else {
    host = hostPort.slice(0, colon);
    if (host.includes(':')) return undefined;
  }
  if (hostPort.slice(from).includes('[') || hostPort.slice(after).includes(']')) return undefined;
  return { host, port: hostPort.slice(colon + 1) };
}

/**
 * `text` as kubelet's ParseSchemelessURL and SplitURL read it, or undefined where Go's
 * url.Parse fails (a control character, a bad port, a character a host cannot have, a bad
 * `%` escape in the path). SplitURL keeps the whole host, brackets and colons included, and
 * no port where SplitHostPort fails: `[::1]` is one part `[::1]`, `a:b:1` one part `a:b:1`.
 */
export function parseSchemelessUrl(text: string): SchemelessUrl | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go's url.Parse refuses control characters
  if (text.length > MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(text)) return undefined;
  const beforeFragment = text.split('#', 1)[0] ?? '';
  const beforeQuery = beforeFragment.split('?', 1)[0] ?? '';
  const slash = beforeQuery.indexOf('/');
  const authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = unescapePath(slash < 0 ? '' : beforeQuery.slice(slash));
  if (path === undefined) return undefined;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (!isValidUrlHost(host)) return undefined;
  const split = splitHostPort(host) ?? { host, port: '' };
  return { host, hostParts: split.host.split('.'), port: split.port, path };
}

/**
 * An `auth` key of a provider's answer as kubelet's BasicDockerKeyring.Add stores it, or
 * undefined where kubelet drops the entry (url.Parse fails): `https://` is put in front unless
 * the key starts with `https://` or `http://`; the key becomes the URL's host (port kept)
 * plus its decoded path, a leading `/v1/` or `/v2/` cut to `/` and a bare `/` dropped. So
 * `https://host`, `http://host/v2/` and `host` are one key, `host`.
 */
export function normalizeKubeletAuthKey(key: string): string | undefined {
  const rest = key.startsWith('https://') ? key.slice(8) : key.startsWith('http://') ? key.slice(7) : key;
  const parsed = parseSchemelessUrl(rest);
  if (parsed === undefined) return undefined;
  const path = parsed.path.startsWith('/v1/') || parsed.path.startsWith('/v2/') ? parsed.path.slice(3) : parsed.path;
  return path === '' || path === '/' ? parsed.host : `${parsed.host}${path}`;
}

/** A glob's pieces: a literal character, `?`, `*`, or a character class. */
type GlobToken =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [string, string])[] };

/** A pattern's characters as Go's filepath.Match reads them; undefined for a bad pattern (ErrBadPattern). */
function tokenizeGlob(pattern: string): GlobToken[] | undefined {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    if (char === '*') tokens.push({ kind: 'star' });
    else if (char === '?') tokens.push({ kind: 'any' });
    else if (char === '\\') {
      if (i + 1 >= chars.length) return undefined;
      tokens.push({ kind: 'char', char: chars[++i] ?? '' });
    } else if (char === '[') {
      const parsed = parseClass(chars, i + 1);
      if (parsed === undefined) return undefined;
      tokens.push(parsed.token);
      i = parsed.end;
    } else tokens.push({ kind: 'char', char });
  }
  return tokens;
}

/** A character class from just after its `[`: its token and the index of its `]`. */
function parseClass(chars: readonly string[], start: number): { token: GlobToken; end: number } | undefined {
  let i = start;
  const negated = chars[i] === '^';
  if (negated) i++;
  const ranges: [string, string][] = [];
  const escaped = (): string | undefined => {
    let char = chars[i];
    if (char === undefined || char === '-' || char === ']') return undefined;
    if (char === '\\') char = chars[++i];
    i++;
    return char;
  };
  for (;;) {
    if (chars[i] === ']' && ranges.length > 0) return { token: { kind: 'class', negated, ranges }, end: i };
    const lo = escaped();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (chars[i] === '-') {
      i++;
      const end = escaped();
      if (end === undefined) return undefined;
      hi = end;
    }
    ranges.push([lo, hi]);
  }
}

function tokenMatches(token: GlobToken, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char;
    case 'any':
      return char !== '/';
    case 'class': {
      const code = char.codePointAt(0) ?? 0;
      const inside = token.ranges.some(([lo, hi]) => (lo.codePointAt(0) ?? 0) <= code && code <= (hi.codePointAt(0) ?? 0));
      return inside !== token.negated;
    }
    default:
      return false;
  }
}

/**
 * Go's `filepath.Match` on a POSIX system: `*` any run of characters but `/`, `?` one, `[…]` a
 * class (`^` negates), `\` escapes. A table over pattern × name, so linear in each (no
 * backtracking). A bad pattern matches nothing (kubelet treats the error as no match).
 */
export function globMatch(pattern: string, name: string): boolean {
  const tokens = tokenizeGlob(pattern);
  if (tokens === undefined) return false;
  const chars = Array.from(name);
  // reachable[j]: the tokens so far can consume exactly the first j characters.
  let reachable = chars.map(() => false);
  reachable.push(false);
  reachable[0] = true;
  for (const token of tokens) {
    const next = reachable.map(() => false);
    for (let j = 0; j <= chars.length; j++) {
      if (token.kind === 'star') next[j] = reachable[j] === true || (j > 0 && next[j - 1] === true && chars[j - 1] !== '/');
      else if (j > 0) next[j] = reachable[j - 1] === true && tokenMatches(token, chars[j - 1] ?? '');
    }
    reachable = next;
  }
  return reachable[chars.length] === true;
}

/** Whether `image` matches `pattern` by kubelet's URLsMatch, and why not when it does not. */
export type ImageMatch = { readonly matched: true } | { readonly matched: false; readonly why: string };

/** kubelet's URLsMatchStr(pattern, image), with the reason for a miss in a few words. */
export function matchImage(pattern: string, image: string): ImageMatch {
  const glob = parseSchemelessUrl(pattern);
  if (glob === undefined) return { matched: false, why: 'the pattern is not a URL kubelet can parse' };
  const target = parseSchemelessUrl(image);
  if (target === undefined) return { matched: false, why: 'the image is not a URL kubelet can parse' };
  if (glob.port !== target.port) {
    return { matched: false, why: `port ${glob.port || '(none)'} in the pattern, ${target.port || '(none)'} in the image` };
  }
  if (glob.hostParts.length !== target.hostParts.length) {
    return {
      matched: false,
      why: `${glob.hostParts.length} host parts in the pattern, ${target.hostParts.length} in the image (a * matches one part)`,
    };
  }
  if (!target.path.startsWith(glob.path)) return { matched: false, why: `the image's path does not start with ${glob.path}` };
  const part = glob.hostParts.findIndex((p, i) => !globMatch(p, target.hostParts[i] ?? ''));
  if (part >= 0) {
    return {
      matched: false,
      why: `host part ${JSON.stringify(target.hostParts[part])} does not match ${JSON.stringify(glob.hostParts[part])}`,
    };
  }
  return { matched: true };
}

/** kubelet's URLsMatchStr: true when `image` matches `pattern`. */
export function kubeletMatchesImage(pattern: string, image: string): boolean {
  return matchImage(pattern, image).matched;
}

/**
 * Whether kubelet uses an `auth` entry with this key for `image` (BasicDockerKeyring: Add
 * normalises the key, Lookup matches it with URLsMatchStr).
 */
export function kubeletAuthKeyMatches(key: string, image: string): boolean {
  const normalized = normalizeKubeletAuthKey(key);
  return normalized !== undefined && kubeletMatchesImage(normalized, image);
}
