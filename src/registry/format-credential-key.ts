import { parseServerUrl } from './parse-server-url';

/** Docker Hub answers to several names; docker itself stores it as this one. */
const DOCKER_HUB = 'index.docker.io';
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/**
 * The key under which credentials for a registry that is not ECR are kept. Like docker's
 * `ConvertToHostname` (cli/config/credentials), scheme, userinfo and path are dropped. Beyond
 * it, so that every client's spelling of one registry finds one entry (docs/peers.md §2): the
 * host is lower-cased, the port is dropped when it is the default of the scheme given (443
 * without one: `host:443` and `https://host` are one key, `http://host:443` another), and
 * Docker Hub's names (`https://index.docker.io/v1/` from the docker CLI, `docker.io` from
 * skopeo) are one. Undefined when the input names no host.
 */
export function formatCredentialKey(input: string): string | undefined {
  const url = parseServerUrl(input);
  if (!url) return undefined;
  const { hostname, port } = url;
  if (DOCKER_HUB_ALIASES.has(hostname) && port === undefined) return DOCKER_HUB;
  return port === undefined ? hostname : `${hostname}:${port}`;
}
