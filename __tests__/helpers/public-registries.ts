/**
 * Public registries' hosts that an alias must never name (docker would send the ECR token with
 * every pull from them): Docker Hub under the names clients use, then the other public
 * registries. One list for the host rule, configure's `--alias` and the settings loader.
 */
export const PUBLIC_REGISTRY_HOSTS = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  'us.gcr.io',
  'k8s.gcr.io',
  'us-docker.pkg.dev',
  'registry.k8s.io',
  'mcr.microsoft.com',
  'registry.gitlab.com',
  'myregistry.azurecr.io',
] as const;
