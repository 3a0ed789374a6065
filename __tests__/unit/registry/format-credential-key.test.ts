import { formatCredentialKey } from '../../../src/registry/format-credential-key';

describe('formatCredentialKey', () => {
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
    ['https://[::1]/v2/', '[::1]'],
    ['HTTPS://Registry.Example.COM:8443/v2/', 'registry.example.com:8443'],
    ['docker.io:5000', 'docker.io:5000'],
  ])('%j -> %s', (input, expected) => {
    expect(formatCredentialKey(input)).toBe(expected);
  });

  it.each(['', '   ', 'https://', 'bad host!', 'host:99x', 'host:99999', 'ftp://host', 'ho\tst'])('%j names no host', (input) => {
    expect(formatCredentialKey(input)).toBeUndefined();
  });
});
