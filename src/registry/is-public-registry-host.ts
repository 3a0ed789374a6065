import { parseServerUrl } from './parse-server-url';

/**
 * Domains whose every host belongs to a public registry operator: Docker Hub
 * (`docker.io`, `index.docker.io`, `registry-1.docker.io`, …), GitHub's (`ghcr.io`), Quay,
 * Google's Container Registry (`gcr.io`, `us.gcr.io`, `k8s.gcr.io`) and Artifact Registry
 * (`us-docker.pkg.dev`), and Azure's (`<name>.azurecr.io`).
 */
const PUBLIC_DOMAINS: readonly string[] = ['docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'pkg.dev', 'azurecr.io'];

/**
 * Public registries on a domain that has other hosts too: Docker Hub's old name, the
 * Kubernetes project's, Microsoft's, GitLab's, and ECR Public (an ECR host, which aliases
 * refuse on that count first; listed so that this one list is complete).
 */
const PUBLIC_HOSTS: ReadonlySet<string> = new Set([
  'registry.hub.docker.com',
  'registry.k8s.io',
  'mcr.microsoft.com',
  'registry.gitlab.com',
  'public.ecr.aws',
  'ecr-public.aws.com',
]);

/**
 * Whether a host (in any spelling `parseServerUrl` reads: letter case, a trailing dot, a
 * port, a scheme) is a public registry's. Aliases must never be one: an alias hands its ECR
 * registry's token to the alias host, and docker would then send that token with every pull
 * from Docker Hub or GitHub. The one list of such hosts; the settings loader and `configure`
 * both ask it. False for what names no host.
 */
export function isPublicRegistryHost(input: string): boolean {
  const hostname = parseServerUrl(input)?.hostname;
  if (hostname === undefined) return false;
  return PUBLIC_HOSTS.has(hostname) || PUBLIC_DOMAINS.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}
