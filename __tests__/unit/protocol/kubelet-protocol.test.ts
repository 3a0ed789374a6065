import { parseCredentialProviderRequest } from '../../../src/protocol/kubelet/credential-provider-request';
import { formatCredentialProviderResponse, halfRemainingSeconds } from '../../../src/protocol/kubelet/format-credential-provider-response';
import { formatGoDuration } from '../../../src/protocol/kubelet/format-go-duration';
import { EKS_MATCH_IMAGES, formatKubeletConfig } from '../../../src/protocol/kubelet/format-kubelet-config';
import { parseImageRegistry } from '../../../src/registry/parse-image-registry';
import { parseRegistry } from '../../../src/registry/parse-registry';
import { kubeletMatchesImage } from '../../helpers/kubelet-match-images';

const GROUP = 'credentialprovider.kubelet.k8s.io';

describe('formatGoDuration: Go time.Duration.String() for whole seconds', () => {
  it.each([
    [0, '0s'],
    [1, '1s'],
    [59, '59s'],
    [60, '1m0s'],
    [600, '10m0s'],
    [3599, '59m59s'],
    [3600, '1h0m0s'],
    [3661, '1h1m1s'],
    [21_600, '6h0m0s'],
    [43_200, '12h0m0s'],
    [90_061, '25h1m1s'],
    [-5, '0s'],
  ])('%d -> %s', (seconds, expected) => {
    expect(formatGoDuration(seconds)).toBe(expected);
  });
});

describe('halfRemainingSeconds', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0, 400);
  it.each([
    [now + 12 * 3600_000, 21_600],
    [now + 12 * 3600_000 - 1000, 21_599],
    [now + 601_000, 300],
    [undefined, 0],
    [now - 10_000, 0],
    // Whole seconds first, as AWS's plugin subtracts Unix times: 1.7 s apart, 2 s by the clock.
    [now + 1700, 1],
  ])('expiry %s -> %d', (expiresAt, expected) => {
    expect(halfRemainingSeconds(expiresAt, now)).toBe(expected);
  });
});

describe('parseCredentialProviderRequest', () => {
  it('reads v1 with the service account fields, ignoring fields it does not know', () => {
    const request = parseCredentialProviderRequest(
      JSON.stringify({
        kind: 'CredentialProviderRequest',
        apiVersion: `${GROUP}/v1`,
        image: ' 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1 ',
        serviceAccountToken: 'jwt',
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': 'arn:aws:iam::1:role/r' },
        somethingNew: [1, 2],
      }),
    );
    expect(request).toEqual({
      apiVersion: `${GROUP}/v1`,
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
      serviceAccountToken: 'jwt',
      serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': 'arn:aws:iam::1:role/r' },
    });
  });

  it.each(['v1beta1', 'v1alpha1'])('%s has no service account fields: they are not read', (version) => {
    const request = parseCredentialProviderRequest(
      JSON.stringify({
        kind: 'CredentialProviderRequest',
        apiVersion: `${GROUP}/${version}`,
        image: 'x.example/a',
        serviceAccountToken: 'jwt',
      }),
    );
    expect(request).toEqual({
      apiVersion: `${GROUP}/${version}`,
      image: 'x.example/a',
      serviceAccountToken: undefined,
      serviceAccountAnnotations: {},
    });
  });

  it.each([
    ['[]', 'invalid CredentialProviderRequest: the value must be a JSON object'],
    [
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"a","serviceAccountAnnotations":{"k":1}}',
      'invalid CredentialProviderRequest: "serviceAccountAnnotations.k" must be a string',
    ],
    [
      '{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"a"}',
      'invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"',
    ],
  ])('%s is refused: %s', (input, message) => {
    expect(() => parseCredentialProviderRequest(input)).toThrow(message);
  });
});

describe('formatCredentialProviderResponse', () => {
  it('writes exactly the response type’s fields, in order, one line', () => {
    expect(
      formatCredentialProviderResponse(`${GROUP}/v1`, { host: 'h.example', username: 'AWS', password: 'p+/=', cacheSeconds: 600 }),
    ).toBe(
      `{"kind":"CredentialProviderResponse","apiVersion":"${GROUP}/v1","cacheKeyType":"Registry","cacheDuration":"10m0s","auth":{"h.example":{"username":"AWS","password":"p+/="}}}\n`,
    );
  });
});

describe('parseImageRegistry: the host as AWS’s plugin reads it (parseHostFromImageReference)', () => {
  it.each([
    ['123456789123.dkr.ecr.us-west-2.amazonaws.com/foo/bar:1.0', '123456789123.dkr.ecr.us-west-2.amazonaws.com', true],
    ['123456789123.dkr.ecr.us-west-2.amazonaws.com', '123456789123.dkr.ecr.us-west-2.amazonaws.com', true],
    ['123456789123.dkr.ecr.us-west-2.amazonaws.com/public.ecr.aws/foo:latest', '123456789123.dkr.ecr.us-west-2.amazonaws.com', true],
    ['123456789123.dkr.ecr.us-west-2.amazonaws.com:443/app', '123456789123.dkr.ecr.us-west-2.amazonaws.com', true],
    ['https://123456789123.dkr.ecr.us-west-2.amazonaws.com/app', '123456789123.dkr.ecr.us-west-2.amazonaws.com', true],
    ['public.ecr.aws/nginx/nginx:latest', 'public.ecr.aws', true],
    ['123456789123.DKR.ECR.US-WEST-2.AMAZONAWS.COM/app', '123456789123.DKR.ECR.US-WEST-2.AMAZONAWS.COM', true],
    ['registry.k8s.io/foo:latest', 'registry.k8s.io', false],
    ['http://foobar', 'foobar', false],
    ['[::1]:5000/app', '[::1]', false],
    ['123456789123.dkr.ecr.us-west-2.amazonaws.com./app', '123456789123.dkr.ecr.us-west-2.amazonaws.com.', true],
  ])('%s -> %s', (image, host, isEcr) => {
    const parsed = parseImageRegistry(image);
    expect(parsed?.host).toBe(host);
    expect(parsed?.registry !== undefined).toBe(isEcr);
  });

  // The Kelvin sign: WHATWG maps it to "k" (an ECR host), Go reads another host.
  it.each(['', 'foobar  x', 'ftp://host/app', '123456789012.d\u212Ar.ecr.us-west-2.amazonaws.com/app'])('%j names no host', (image) => {
    expect(parseImageRegistry(image)).toBeUndefined();
  });
});

describe('kubelet-config', () => {
  it('prints a CredentialProviderConfig with the EKS matchImages, node identity only', () => {
    expect(formatKubeletConfig({ name: 'ecr-credential-provider', serviceAccount: false })).toBe(
      [
        'apiVersion: kubelet.config.k8s.io/v1',
        'kind: CredentialProviderConfig',
        'providers:',
        '  - name: ecr-credential-provider',
        '    matchImages:',
        '      - "*.dkr.ecr.*.amazonaws.com"',
        '      - "*.dkr-ecr.*.on.aws"',
        '      - "*.dkr.ecr.*.amazonaws.com.cn"',
        '      - "*.dkr-ecr.*.on.amazonwebservices.com.cn"',
        '      - "*.dkr.ecr-fips.*.amazonaws.com"',
        '      - "*.dkr-ecr-fips.*.on.aws"',
        '      - "*.dkr.ecr.*.c2s.ic.gov"',
        '      - "*.dkr.ecr.*.sc2s.sgov.gov"',
        '      - "*.dkr.ecr.*.cloud.adc-e.uk"',
        '      - "*.dkr.ecr.*.amazonaws.eu"',
        '    defaultCacheDuration: "12h"',
        '    apiVersion: credentialprovider.kubelet.k8s.io/v1',
        '    args:',
        '      - get-credentials',
        '',
      ].join('\n'),
    );
  });

  it('adds the alias hosts of the settings file after the EKS patterns', () => {
    const text = formatKubeletConfig({ name: 'ecr', serviceAccount: false, aliases: ['registry.example.com', 'proxy.example.com:5000'] });
    expect(text).toContain(
      '      - "*.dkr.ecr.*.amazonaws.eu"\n      - "registry.example.com"\n      - "proxy.example.com:5000"\n    defaultCacheDuration',
    );
  });

  it('--service-account adds tokenAttributes (field names of kubelet.config.k8s.io/v1)', () => {
    const text = formatKubeletConfig({ name: 'ecr', serviceAccount: true });
    expect(text).toContain('  - name: ecr\n');
    expect(
      text.endsWith(
        [
          '    tokenAttributes:',
          '      serviceAccountTokenAudience: sts.amazonaws.com',
          '      cacheType: ServiceAccount',
          '      requireServiceAccount: false',
          '      optionalServiceAccountAnnotationKeys:',
          '        - eks.amazonaws.com/ecr-role-arn',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
  });
});

describe('matchImages, by kubelet’s own matching rules', () => {
  const REAL: Record<string, string> = {
    '*.dkr.ecr.*.amazonaws.com': '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '*.dkr-ecr.*.on.aws': '123456789012.dkr-ecr.us-east-1.on.aws',
    '*.dkr.ecr.*.amazonaws.com.cn': '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    '*.dkr-ecr.*.on.amazonwebservices.com.cn': '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
    '*.dkr.ecr-fips.*.amazonaws.com': '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
    '*.dkr-ecr-fips.*.on.aws': '123456789012.dkr-ecr-fips.us-east-1.on.aws',
    '*.dkr.ecr.*.c2s.ic.gov': '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov',
    '*.dkr.ecr.*.sc2s.sgov.gov': '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
    '*.dkr.ecr.*.cloud.adc-e.uk': '123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk',
    '*.dkr.ecr.*.amazonaws.eu': '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu',
  };

  it.each(EKS_MATCH_IMAGES.map((p) => [p]))('%s matches a registry of its partition, which the provider serves', (pattern) => {
    const host = REAL[pattern] ?? 'missing';
    expect(kubeletMatchesImage(pattern, `${host}/team/app:1.0`)).toBe(true);
    expect(parseRegistry(host)).toMatchObject({ kind: 'ecr', host });
  });

  it.each(EKS_MATCH_IMAGES.map((p) => [p]))('%s matches no look-alike', (pattern) => {
    const host = REAL[pattern] ?? 'missing';
    for (const image of [`${host}.evil.example/app`, `evil.${host}/app`, `${host}:5000/app`, `x.example/${host}/app`]) {
      expect(EKS_MATCH_IMAGES.filter((p) => kubeletMatchesImage(p, image))).toEqual([]);
    }
    expect(kubeletMatchesImage(pattern, host.replace('.dkr', '.dkrx'))).toBe(false);
  });

  it('the matcher itself follows kubelet: part counts, ports and path prefixes', () => {
    expect(kubeletMatchesImage('*.k8s.io', 'registry.k8s.io/pause')).toBe(true);
    expect(kubeletMatchesImage('*.io', 'registry.k8s.io')).toBe(false);
    expect(kubeletMatchesImage('registry.io:8080/path', 'registry.io:8080/path/app')).toBe(true);
    expect(kubeletMatchesImage('registry.io:8080/path', 'registry.io/path/app')).toBe(false);
    expect(kubeletMatchesImage('registry.io/path', 'registry.io/other')).toBe(false);
    expect(kubeletMatchesImage('app*.k8s.io', 'app1.k8s.io')).toBe(true);
  });
});
