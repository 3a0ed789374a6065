import { isPublicRegistryHost } from '../../../src/registry/is-public-registry-host';
import { PUBLIC_REGISTRY_HOSTS } from '../../helpers/public-registries';

describe('isPublicRegistryHost', () => {
  it.each([
    ...PUBLIC_REGISTRY_HOSTS,
    'auth.docker.io',
    'europe-west1-docker.pkg.dev',
    'public.ecr.aws',
    'ecr-public.aws.com',
    // Any spelling of the host: letter case, a trailing dot, a port, a scheme and path.
    'GHCR.IO',
    'Docker.Io.',
    'docker.io:443',
    'quay.io:5000',
    'https://us.gcr.io/v2/',
  ])('%s is a public registry', (host) => {
    expect(isPublicRegistryHost(host)).toBe(true);
  });

  it.each([
    'registry.example.com',
    'proxy.example.com:5000',
    // Look-alikes are other people's hosts, not these registries: the label must match whole.
    'notdocker.io',
    'docker.io.example.com',
    'ghcr.io.example.com',
    'mygcr.io',
    'registry.k8s.io.example.com',
    'example.k8s.io',
    'microsoft.com',
    'gitlab.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '',
    'bad host!',
  ])('%j is not', (host) => {
    expect(isPublicRegistryHost(host)).toBe(false);
  });
});
