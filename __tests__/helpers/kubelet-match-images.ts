/**
 * kubelet's matching of an image against a `matchImages` pattern, written from
 * k8s.io/kubernetes pkg/credentialprovider (`URLsMatch`, `ParseSchemelessURL`, `SplitURL`):
 * both are read as scheme-less URLs; the hosts must have the same number of dot-separated
 * parts and each part must match as a glob (Go's `filepath.Match`: `*` any run of characters,
 * `?` one); the ports must be equal (absent on both counts as equal); the pattern's path must
 * be a prefix of the image's.
 */
export function kubeletMatchesImage(pattern: string, image: string): boolean {
  const glob = splitSchemeless(pattern);
  const target = splitSchemeless(image);
  if (glob.port !== target.port) return false;
  if (glob.parts.length !== target.parts.length) return false;
  if (!target.path.startsWith(glob.path)) return false;
  return glob.parts.every((part, i) => globToRegExp(part).test(target.parts[i] ?? ''));
}

function splitSchemeless(text: string): { parts: string[]; port: string; path: string } {
  const slash = text.indexOf('/');
  const hostPort = slash < 0 ? text : text.slice(0, slash);
  const path = slash < 0 ? '' : text.slice(slash);
  const withPort = /^(.*):(\d*)$/.exec(hostPort);
  return { parts: (withPort?.[1] ?? hostPort).split('.'), port: withPort?.[2] ?? '', path };
}

function globToRegExp(glob: string): RegExp {
  if (glob.includes('[')) throw new Error(`character classes are not used in these patterns: ${glob}`);
  const source = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`);
}
