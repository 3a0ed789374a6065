import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { parseCredentialProviderRequest } from '../../../src/protocol/kubelet/credential-provider-request';
import { formatCredentialProviderResponse, halfRemainingSeconds } from '../../../src/protocol/kubelet/format-credential-provider-response';
import { formatGoDuration } from '../../../src/protocol/kubelet/format-go-duration';
import { EKS_MATCH_IMAGES } from '../../../src/protocol/kubelet/format-kubelet-config';
import { kubeletMatchesImage } from '../../../src/registry/kubelet-match-image';
import { parseImageRegistry } from '../../../src/registry/parse-image-registry';
import { parseRegistry } from '../../../src/registry/parse-registry';
import { PARTITIONS } from '../../../src/registry/partitions';
import { createFakeClock, createFakeTokenSource } from '../../helpers/fakes';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

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

describe('parseImageRegistry: the host as AWS’s plugin reads it (parseHostFromImageReference), the auth key as kubelet matches it', () => {
  const ECR = '123456789123.dkr.ecr.us-west-2.amazonaws.com';
  it.each([
    [`${ECR}/foo/bar:1.0`, ECR, ECR, true],
    [ECR, ECR, ECR, true],
    [`${ECR}/public.ecr.aws/foo:latest`, ECR, ECR, true],
    // AWS's plugin drops the port; kubelet compares it, so the key keeps it as written.
    [`${ECR}:443/app`, ECR, `${ECR}:443`, true],
    [`${ECR}:/app`, ECR, ECR, true],
    [`https://${ECR}/app`, ECR, ECR, true],
    ['public.ecr.aws/nginx/nginx:latest', 'public.ecr.aws', 'public.ecr.aws', true],
    [`${ECR.toUpperCase()}/app`, ECR.toUpperCase(), ECR.toUpperCase(), true],
    ['registry.k8s.io/foo:latest', 'registry.k8s.io', 'registry.k8s.io', false],
    ['Registry.Example.com:5000/team/app', 'Registry.Example.com', 'Registry.Example.com:5000', false],
    ['http://foobar', 'foobar', 'foobar', false],
    ['[::1]:5000/app', '[::1]', '[::1]:5000', false],
    [`${ECR}./app`, `${ECR}.`, `${ECR}.`, true],
  ])('%s -> %s, auth key %s', (image, host, authKey, isEcr) => {
    const parsed = parseImageRegistry(image);
    expect(parsed?.host).toBe(host);
    expect(parsed?.authKey).toBe(authKey);
    expect(parsed?.registry !== undefined).toBe(isEcr);
  });

  // The Kelvin sign: WHATWG maps it to "k" (an ECR host), Go reads another host.
  it.each(['', 'foobar  x', 'ftp://host/app', '123456789012.d\u212Ar.ecr.us-west-2.amazonaws.com/app'])('%j names no host', (image) => {
    expect(parseImageRegistry(image)).toBeUndefined();
  });
});

// kubelet-config's output: golden files per combination of options in kubelet-config.test.ts.

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
    '*.dkr.ecr.*.csp.hci.ic.gov': '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov',
    '*.dkr.ecr.*.amazonaws.eu': '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu',
  };

  it.each(EKS_MATCH_IMAGES.map((p) => [p]))('%s matches a registry of its partition, which the provider serves', (pattern) => {
    const host = REAL[pattern] ?? 'missing';
    expect(kubeletMatchesImage(pattern, `${host}/team/app:1.0`)).toBe(true);
    expect(parseRegistry(host)).toMatchObject({ kind: 'ecr', host });
  });

  // The other way round: the partition table (src/registry/partitions.ts) is where a new ECR
  // domain is added; matchImages is kept by hand, after nodeadm's list, and must not fall behind.
  it.each(PARTITIONS.flatMap(({ id, registryDomains, regionPrefix }) => registryDomains.map((domain) => ({ id, domain, regionPrefix }))))(
    'partition $id: its registry domain $domain is matched',
    ({ domain, regionPrefix }) => {
      const region = `${regionPrefix ?? 'us-'}east-1`;
      const host = `123456789012.${domain.startsWith('on.') ? 'dkr-ecr' : 'dkr.ecr'}.${region}.${domain}`;
      expect(parseRegistry(host)).toMatchObject({ kind: 'ecr', host });
      expect(EKS_MATCH_IMAGES.filter((pattern) => kubeletMatchesImage(pattern, `${host}/app`))).toHaveLength(1);
    },
  );

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

describe('auth keys, by kubelet’s own matching: every key the provider answers matches the image it was asked for', () => {
  const ECR = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
  const aliases = { 'registry.example.com': ECR, 'registry.example.com:5000': ECR, 'proxy.example.com:8443': 'public.ecr.aws' };

  /** The provider and kubelet-config, in process, with a settings file of aliases and a fake token source. */
  function setup() {
    const home = makeTempDir();
    const cacheDir = path.join(home, 'cache');
    fs.mkdirSync(cacheDir, { mode: 0o700 });
    fs.writeFileSync(path.join(cacheDir, 'config.json'), JSON.stringify({ aliases }), { mode: 0o600 });
    const clock = createFakeClock();
    const source = createFakeTokenSource(clock.now);
    const invoke = (args: string[], input = '') =>
      runInProcess(args, {
        env: { AWS_ECR_CACHE_DIR: cacheDir },
        programName: 'ecr-credential-provider',
        homeDir: home,
        input,
        now: clock.now,
        source,
      });
    return { invoke };
  }

  const authKeys = async (invoke: ReturnType<typeof setup>['invoke'], image: string): Promise<string[]> => {
    const out = await invoke(['get-credentials'], JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: `${GROUP}/v1`, image }));
    expect(out).toMatchObject({ code: 0, stderr: '' });
    return Object.keys(JSON.parse(out.stdout).auth as object);
  };

  // Images as kubelet sends them: the repository, no scheme, no tag.
  it.each([
    [`${ECR}/team/app`, ECR],
    [`${ECR.toUpperCase()}/app`, ECR.toUpperCase()],
    [`${ECR}:443/app`, `${ECR}:443`],
    ['public.ecr.aws/nginx/nginx', 'public.ecr.aws'],
    ['registry.example.com/app', 'registry.example.com'],
    ['registry.example.com:443/app', 'registry.example.com:443'],
    ['registry.example.com:5000/team/app', 'registry.example.com:5000'],
    ['Registry.Example.com:5000/app', 'Registry.Example.com:5000'],
    ['proxy.example.com:8443/nginx/nginx', 'proxy.example.com:8443'],
  ])('%s -> auth key %s', async (image, expected) => {
    const { invoke } = setup();
    const keys = await authKeys(invoke, image);
    expect(keys).toEqual([expected]);
    for (const key of keys) expect(kubeletMatchesImage(key, image)).toBe(true);
  });

  it('kubelet-config sends the provider the images of every alias, and kubelet takes the keys it answers for them', async () => {
    const { invoke } = setup();
    const config = await invoke(['kubelet-config']);
    expect(config).toMatchObject({ code: 0, stderr: '' });
    const matchImages = (YAML.parse(config.stdout) as { providers: { matchImages: string[] }[] }).providers[0]?.matchImages ?? [];
    expect(matchImages.slice(EKS_MATCH_IMAGES.length)).toEqual([
      'registry.example.com',
      'registry.example.com:5000',
      'proxy.example.com:8443',
    ]);
    for (const image of [
      `${ECR}/team/app`,
      'registry.example.com/app',
      'registry.example.com:5000/team/app',
      'proxy.example.com:8443/nginx/nginx',
    ]) {
      expect(matchImages.filter((pattern) => kubeletMatchesImage(pattern, image))).toHaveLength(1);
      const keys = await authKeys(invoke, image);
      expect(keys.filter((key) => kubeletMatchesImage(key, image))).toEqual(keys);
    }
  });
});
