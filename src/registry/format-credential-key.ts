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
 * The key under which credentials for a registry that is not ECR are kept, normalised the way
 * docker does (cli/config/credentials `ConvertToHostname`): scheme, userinfo and path
 * dropped, host lower-cased, the scheme's default port dropped, and Docker Hub's names
 * (`https://index.docker.io/v1/` as the docker CLI sends it, `docker.io` as skopeo does) made
 * one. Undefined when the input names no host.
 */
export function formatCredentialKey(input: string): string | undefined {
  const url = parseServerUrl(input);
  if (!url) return undefined;
  const { hostname, port } = url;
  if (DOCKER_HUB_ALIASES.has(hostname) && port === undefined) return DOCKER_HUB;
  return port === undefined ? hostname : `${hostname}:${port}`;
}
