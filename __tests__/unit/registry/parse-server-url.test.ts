import { formatCredentialKey } from '../../../src/registry/format-credential-key';
import { parseRegistry } from '../../../src/registry/parse-registry';
import { parseServerUrl } from '../../../src/registry/parse-server-url';

describe('parseServerUrl', () => {
  it.each([
    ['registry.example.com', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
    ['  Registry.Example.com\n', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
    ['https://registry.example.com/v2/', { scheme: 'https', hostname: 'registry.example.com', port: undefined }],
    ['HTTP://registry.example.com', { scheme: 'http', hostname: 'registry.example.com', port: undefined }],
    ['registry.example.com:443', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
    ['http://registry.example.com:443', { scheme: 'http', hostname: 'registry.example.com', port: 443 }],
    ['registry.example.com:5000/team/app:tag', { scheme: undefined, hostname: 'registry.example.com', port: 5000 }],
    ['https://bob:pw@registry.example.com/x', { scheme: 'https', hostname: 'registry.example.com', port: undefined }],
    ['registry.example.com/repo@sha256:abc', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
    ['registry.example.com.', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
    ['[::1]:5000', { scheme: undefined, hostname: '[::1]', port: 5000 }],
    ['https://[2001:DB8::1]/v2/', { scheme: 'https', hostname: '[2001:db8::1]', port: undefined }],
    ['localhost:65535', { scheme: undefined, hostname: 'localhost', port: 65535 }],
    ['https:/registry.example.com', { scheme: 'https', hostname: 'registry.example.com', port: undefined }],
    ['registry.example.com:', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
  ])('%j', (input, expected) => {
    expect(parseServerUrl(input)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['https://', 'no host'],
    ['host:65536', 'port out of range'],
    ['host:99999', 'port out of range'],
    ['host:-1', 'negative port'],
    ['host:abc', 'port not a number'],
    ['ftp://host', 'another scheme'],
    ['unix:///run/docker.sock', 'another scheme'],
    ['unix:/run/docker.sock', 'another scheme, one slash'],
    ['a:b@registry.example.com', 'userinfo without a scheme reads as a scheme'],
    ['bad host', 'space inside'],
    ['ho\tst', 'tab inside (the URL parser would drop it)'],
    ['host..', 'two trailing dots'],
    ['[::1', 'unclosed IPv6 literal'],
  ])('%j names no host (%s)', (input) => {
    expect(parseServerUrl(input)).toBeUndefined();
  });
});

describe('one answer for every caller', () => {
  // The ECR parser and the credential-store key are built on parseServerUrl: whatever one
  // rejects as "no host", the other rejects too.
  it.each([
    '[::1]:5000',
    'host:99999',
    'host:0',
    'ftp://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com:65536',
  ])('%j', (input) => {
    const named = parseServerUrl(input) !== undefined;
    expect(formatCredentialKey(input) !== undefined).toBe(named);
    if (!named) expect(parseRegistry(input)).toBeUndefined();
  });
});
