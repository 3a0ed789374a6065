import { splitServerUrl } from './split-server-url';

/** Docker Hub answers to several names; docker itself stores it as this one. */
const DOCKER_HUB = 'index.docker.io';
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * The key under which credentials for a non-ECR registry are kept, normalised the way docker
 * does (cli/config/credentials `ConvertToHostname`): scheme, userinfo and path dropped, host
 * lower-cased, the default HTTPS port dropped, and Docker Hub's names (`https://index.docker.io/v1/`
 * as the docker CLI sends it, `docker.io` as skopeo does) made one. Returns undefined when the
 * input names no host at all.
 */
export function normalizeServerUrl(input: string): string | undefined {
  const { scheme, hostPort } = splitServerUrl(input);
  const match = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])\.?(?::(\d{1,5}))?$/.exec(hostPort);
  if (!match) return undefined;
  const host = (match[1] ?? '').replace(/\.$/, '');
  const port = match[3];
  if (DOCKER_HUB_ALIASES.has(host) && (port === undefined || port === '443')) return DOCKER_HUB;
  const https = scheme === undefined || scheme === 'https';
  return port === undefined || (https && port === '443') ? host : `${host}:${port}`;
}
