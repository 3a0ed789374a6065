import { parseRegistry } from '../../../src/registry/parse-registry';
import { parseServerUrl } from '../../../src/registry/parse-server-url';

describe('parseRegistry: private ECR hosts in every partition', () => {
  it.each([
    // The reference implementation's own table (ecr-login/api/client_test.go).
    ['https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/blah/blah', '123456789012', 'us-east-1', false],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', '123456789012', 'us-west-2', false],
    ['210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/foo', '210987654321', 'cn-north-1', false],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', '123456789012', 'us-gov-west-1', true],
    // Other partitions and variants.
    ['123456789012.dkr.ecr.us-gov-east-1.amazonaws.com', '123456789012', 'us-gov-east-1', false],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', '123456789012', 'us-east-1', true],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', '123456789012', 'us-iso-east-1', false],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', '123456789012', 'us-isob-east-1', false],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', '123456789012', 'eu-isoe-west-1', false],
    ['123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov', '123456789012', 'us-isof-south-1', false],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', '123456789012', 'eusc-de-east-1', false],
    ['123456789012.dkr-ecr.us-west-2.on.aws', '123456789012', 'us-west-2', false],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', '123456789012', 'us-east-1', true],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn', '123456789012', 'cn-northwest-1', false],
  ])('%s', (input, registryId, region, fips) => {
    const registry = parseRegistry(input);
    expect(registry).toEqual({ kind: 'ecr', host: parseServerUrl(input)?.hostname, registryId, region, fips });
  });
});

describe('parseRegistry: the forms real clients send', () => {
  const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  it.each([
    [host, 'docker CLI, skopeo'],
    [`${host}\n`, 'testcontainers (trailing newline)'],
    [`  ${host}\t`, 'surrounding whitespace'],
    [`https://${host}`, 'https scheme'],
    [`HTTPS://${host}`, 'scheme in capitals'],
    [`${host}:443`, 'nerdctl host:443'],
    [`https://${host}:443`, 'nerdctl https://host:443'],
    [`https://${host}/v2/`, 'registry API path'],
    [`${host}/team/app`, 'crane host/repo'],
    [`https://user:pass@${host}/v2/`, 'userinfo'],
    ['123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM', 'upper case host'],
    [`${host}.`, 'fully qualified with trailing dot'],
    [`${host}?x=1`, 'query string'],
  ])('%j (%s)', (input) => {
    expect(parseRegistry(input)).toMatchObject({ kind: 'ecr', host, region: 'eu-west-1', registryId: '123456789012' });
  });
});

describe('parseRegistry: ECR Public', () => {
  it.each(['public.ecr.aws', 'https://public.ecr.aws/v2/', 'public.ecr.aws/nginx/nginx', 'ecr-public.aws.com', 'PUBLIC.ECR.AWS:443'])(
    '%s',
    (input) => {
      expect(parseRegistry(input)).toEqual({ kind: 'ecr-public', host: parseServerUrl(input)?.hostname, region: 'us-east-1' });
    },
  );
});

describe('parseRegistry: not ECR', () => {
  it.each([
    ['.dkr.ecr.not-real.amazonaws.com', 'no account (reference table)'],
    ['not.ecr.io', 'other registry (reference table)'],
    ['https://index.docker.io/v1/', 'Docker Hub as docker sends it'],
    ['docker.io', 'Docker Hub as skopeo sends it'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', 'spoofed suffix'],
    ['https://123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/v2/', 'spoofed suffix with scheme'],
    ['evil.example/123456789012.dkr.ecr.us-east-1.amazonaws.com', 'ECR name in the path'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com@evil.example', 'ECR name as userinfo'],
    ['evil123456789012.dkr.ecr.us-east-1.amazonaws.com', 'prefix before the account'],
    ['x.123456789012.dkr.ecr.us-east-1.amazonaws.com', 'subdomain of an ECR host'],
    ['12345678901.dkr.ecr.us-east-1.amazonaws.com', 'eleven-digit account'],
    ['1234567890123.dkr.ecr.us-east-1.amazonaws.com', 'thirteen-digit account'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.org', 'wrong domain'],
    ['123456789012.dkr.ecr..amazonaws.com', 'empty region'],
    ['http://123456789012.dkr.ecr.us-east-1.amazonaws.com', 'plain http'],
    ['ftp://123456789012.dkr.ecr.us-east-1.amazonaws.com', 'other scheme'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com:notaport', 'bad port'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com:99999', 'port out of range'],
    ['public.ecr.aws.evil.example', 'spoofed ECR Public'],
    ['mypublic.ecr.aws', 'prefixed ECR Public'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['https://', 'scheme only'],
    ['123456789012.dkr.ecr.us-east-1.amazon\naws.com', 'newline inside (the URL parser would drop it)'],
    ['[::1]:443', 'IPv6 literal'],
  ])('%j (%s)', (input) => {
    expect(parseRegistry(input)).toBeUndefined();
  });
});
