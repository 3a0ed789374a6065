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
    ['registry.example.com:', { scheme: undefined, hostname: 'registry.example.com', port: undefined }],
  ])('%j', (input, expected) => {
    expect(parseServerUrl(input)).toMatchObject(expected);
  });

  it.each([
    ['  Registry.Example.com.:5000/x', { host: 'Registry.Example.com.', port: '5000' }],
    ['https://bob:pw@registry.example.com:443/x', { host: 'registry.example.com', port: '443' }],
    ['[::1]/x', { host: '[::1]', port: undefined }],
    ['registry.example.com:', { host: 'registry.example.com', port: undefined }],
  ])('%j is written as %j', (input, written) => {
    expect(parseServerUrl(input)?.written).toEqual(written);
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

  // What WHATWG URL (Node's URL), RFC 3986 and Go's net/url (docker, skopeo) would read as
  // different hosts, or one of them refuses: no host, so never a token.
  it.each([
    ['https:/registry.example.com', 'one slash: WHATWG reads the host, Go a path'],
    ['https:registry.example.com', 'no slash: the same'],
    ['https:///registry.example.com', 'three slashes: the same'],
    ['evil.example\\@123456789012.dkr.ecr.us-east-1.amazonaws.com', 'a backslash: WHATWG ends the authority there'],
    ['https://evil.example\\123456789012.dkr.ecr.us-east-1.amazonaws.com', 'a backslash in the host'],
    ['https://a@b@123456789012.dkr.ecr.us-east-1.amazonaws.com', 'two @: RFC 3986 allows one'],
    ['https://us[er@registry.example.com', 'a bracket in the userinfo'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.c%6fm', 'percent-encoding in the host: WHATWG decodes it'],
    ['123456789012.d\u212Ar.ecr.us-east-1.amazonaws.com', 'the Kelvin sign: WHATWG maps it to k'],
    ['b\u00fccher.example', 'non-ASCII: WHATWG maps it to xn--'],
    ['0x7f.1:5000', 'a hexadecimal IPv4 form: WHATWG reads 127.0.0.1'],
    ['127.1', 'a short IPv4 form'],
    ['2130706433', 'IPv4 as one number'],
    ['010.0.0.1', 'an octal IPv4 form: WHATWG reads 8.0.0.1'],
    ['[0:0::1]:5000', 'an IPv6 literal not in canonical form'],
    ['[fe80::1%25eth0]', 'an IPv6 zone'],
    ['registry.example.com:0443', 'a port with a leading zero'],
    ['registry.example.com:5000:1', 'two ports'],
    ['[::1]x', 'text after an IPv6 literal'],
    ['reg*istry.example.com', 'a character no host name has'],
  ])('%j names no host (%s)', (input) => {
    expect(parseServerUrl(input)).toBeUndefined();
    expect(parseRegistry(input)).toBeUndefined();
    expect(formatCredentialKey(input)).toBeUndefined();
  });

  it.each([
    ['10.0.0.1:5000', '10.0.0.1', 5000],
    ['[2001:db8::1]:5000', '[2001:db8::1]', 5000],
    ['registry.example.com:0', 'registry.example.com', 0],
    ["https://u-s.e_r~:p%41ss!$&'()*+,;=@registry.example.com/", 'registry.example.com', undefined],
  ])('%j is read alike by all: %s', (input, hostname, port) => {
    expect(parseServerUrl(input)).toMatchObject({ hostname, port });
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
