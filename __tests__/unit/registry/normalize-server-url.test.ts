import { normalizeServerUrl } from '../../../src/registry/normalize-server-url';

describe('normalizeServerUrl', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['docker.io', 'index.docker.io'],
    ['index.docker.io', 'index.docker.io'],
    ['registry-1.docker.io', 'index.docker.io'],
    ['https://registry.hub.docker.com', 'index.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['GHCR.IO\n', 'ghcr.io'],
    ['https://ghcr.io/v2/', 'ghcr.io'],
    ['ghcr.io:443', 'ghcr.io'],
    ['https://user:pw@ghcr.io/org/repo', 'ghcr.io'],
    ['localhost:5000', 'localhost:5000'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['http://registry.local:443', 'registry.local:443'],
    ['registry.example.com.', 'registry.example.com'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%j -> %s', (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected);
  });

  it.each(['', '   ', 'https://', 'bad host!', 'host:99x'])('%j names no host', (input) => {
    expect(normalizeServerUrl(input)).toBeUndefined();
  });
});
