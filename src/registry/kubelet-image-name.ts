/**
 * The name kubelet looks an image up by in its credential providers (and sends them as
 * `image`): the repository of the reference, without tag or digest, Docker Hub's short names
 * completed as docker's reference parser does (`nginx` -> `docker.io/library/nginx`,
 * `index.docker.io/x/y` -> `docker.io/x/y`, `docker.io/nginx` -> `docker.io/library/nginx`). kubelet: `parsers.ParseImageName` (reference
 * `ParseNormalizedNamed`) then `keyring.Lookup(repoToPull)`.
 */
export function kubeletImageName(reference: string): string {
  const trimmed = reference.trim();
  const withoutDigest = trimmed.split('@', 1)[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagColon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = tagColon < 0 ? withoutDigest : withoutDigest.slice(0, tagColon);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  // docker reads the first part as a registry only when it has a dot or a port, or is localhost.
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) return `docker.io/${slash < 0 ? `library/${name}` : name}`;
  const domain = first === 'index.docker.io' ? 'docker.io' : first;
  const rest = name.slice(slash + 1);
  return domain === 'docker.io' && !rest.includes('/') ? `docker.io/library/${rest}` : `${domain}/${rest}`;
}
