import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { parseCacheDurationFlag, parseEnvFlags, parseKubeletConfigFlags } from '../../../src/cli/kubelet-config-options';
import { formatKubeletConfig, type KubeletConfigOptions, quoteYamlString } from '../../../src/protocol/kubelet/format-kubelet-config';
import { parseCredentialProviderConfig } from '../../../src/protocol/kubelet/parse-credential-provider-config';
import { parseGoDuration } from '../../../src/protocol/kubelet/parse-go-duration';

const FIXTURES = path.join(__dirname, '../../fixtures/kubelet-config');

/** A file's text as kubelet's reader decodes it: YAML 1.1 (a key twice is an error); JSON is YAML too. */
const decode = (text: string, format: 'yaml' | 'json'): unknown =>
  format === 'json' ? JSON.parse(text) : YAML.parse(text, { version: '1.1', uniqueKeys: true });

describe('parseGoDuration: Go time.ParseDuration', () => {
  it.each([
    ['0', 0n],
    ['12h', 43_200_000_000_000n],
    ['90m', 5_400_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['6h0m0s', 21_600_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['5.s', 5_000_000_000n],
    ['300ms', 300_000_000n],
    ['2us', 2000n],
    ['2µs', 2000n],
    ['2μs', 2000n],
    ['1ns', 1n],
    ['-1m', -60_000_000_000n],
    ['+1m', 60_000_000_000n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
  ])('%s -> %s ns', (text, expected) => {
    expect(parseGoDuration(text)).toBe(expected);
  });

  it.each(['', '12', '0s0', 'h', '.s', '1d', '1 h', ' 1h', '1h ', '1H', '--1s', '9223372036854775808ns', '2562048h', 'x'.repeat(100)])(
    '%j is not a Go duration',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

/** Each combination of kubelet-config's options, with its golden file for each format. */
const COMBINATIONS: Record<string, KubeletConfigOptions> = {
  default: { name: 'ecr-credential-provider', serviceAccount: false },
  'service-account': { name: 'ecr-credential-provider', serviceAccount: true },
  everything: {
    name: 'ecr',
    serviceAccount: true,
    public: true,
    aliases: ['registry.example.com', 'proxy.example.com:5000'],
    env: [
      { name: 'AWS_REGION', value: 'us-west-2' },
      // YAML 1.1 would read a bare ON as true and "0x1F" as a number: both must stay strings.
      { name: 'ON', value: '0x1F' },
      { name: 'QUOTED', value: 'a "b" \\c\n\ttab é 😀: # not a comment' },
      { name: 'EMPTY', value: '' },
    ],
    cacheDuration: '1h30m',
  },
};

describe.each(['yaml', 'json'] as const)('kubelet-config --format %s', (format) => {
  it.each(Object.keys(COMBINATIONS))('%s: the golden file, which kubelet decodes and accepts', (combination) => {
    const options = { ...COMBINATIONS[combination], format } as KubeletConfigOptions;
    const text = formatKubeletConfig(options);
    expect(text).toBe(fs.readFileSync(path.join(FIXTURES, `${combination}.${format}`), 'utf8'));
    const config = parseCredentialProviderConfig(decode(text, format));
    const [provider] = config.providers;
    expect(provider).toMatchObject({
      name: options.name,
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      args: ['get-credentials'],
      env: options.env ?? [],
      defaultCacheDuration: options.cacheDuration ?? '12h',
    });
    expect(provider?.matchImages.includes('public.ecr.aws')).toBe(options.public === true);
    expect(provider?.matchImages.includes('ecr-public.aws.com')).toBe(options.public === true);
    expect(provider?.tokenAttributes !== undefined).toBe(options.serviceAccount);
  });
});

describe('kubelet-config, by apiVersion of the config', () => {
  it.each(['v1beta1', 'v1alpha1'])(
    'kubelet.config.k8s.io/%s reads the same config without tokenAttributes, and refuses them',
    (version) => {
      for (const serviceAccount of [false, true]) {
        const document = decode(formatKubeletConfig({ ...COMBINATIONS.everything, serviceAccount } as KubeletConfigOptions), 'yaml') as {
          apiVersion: string;
        };
        document.apiVersion = `kubelet.config.k8s.io/${version}`;
        if (serviceAccount)
          expect(() => parseCredentialProviderConfig(document)).toThrow(/"providers\[0\]\.tokenAttributes" is not a known field/);
        else expect(parseCredentialProviderConfig(document).providers).toHaveLength(1);
      }
    },
  );

  it('YAML and JSON of the same options decode to the same document', () => {
    for (const options of Object.values(COMBINATIONS)) {
      expect(decode(formatKubeletConfig({ ...options, format: 'yaml' }), 'yaml')).toEqual(
        decode(formatKubeletConfig({ ...options, format: 'json' }), 'json'),
      );
    }
  });

  it('any env value comes back from the YAML as it went in (quoting is safe for every character)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), (a, b) => {
        const value = `${a}${b}`.replace(/\0/g, '');
        fc.pre(!/[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
        const text = formatKubeletConfig({ name: 'ecr', serviceAccount: false, env: [{ name: 'V', value }] });
        const config = parseCredentialProviderConfig(decode(text, 'yaml'));
        expect(config.providers[0]?.env).toEqual([{ name: 'V', value }]);
        // Nothing but printable ASCII in the file: no reader can take a character for another.
        expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      }),
      { numRuns: 300 },
    );
  });

  it('quoteYamlString escapes quotes, backslashes and everything outside printable ASCII', () => {
    expect(quoteYamlString('a"b\\c\n\u007f\u00e9\u{1f600}')).toBe('"a\\"b\\\\c\\u000a\\u007f\\u00e9\\U0001f600"');
  });
});

describe('kubelet-config flags', () => {
  it.each([
    [['A=b'], [{ name: 'A', value: 'b' }]],
    [['_x1=a=b=c'], [{ name: '_x1', value: 'a=b=c' }]],
    [['EMPTY='], [{ name: 'EMPTY', value: '' }]],
    [
      ['A=1', 'B=2'],
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    ],
  ])('--env %j', (flags, expected) => {
    expect(parseEnvFlags(flags)).toEqual(expected);
  });

  it.each([
    [['A'], '--env "A" is not NAME=VALUE with a variable name of letters, digits and "_" (not starting with a digit)'],
    [['1A=b'], '--env "1A=b" is not NAME=VALUE with a variable name of letters, digits and "_" (not starting with a digit)'],
    [['A-B=c'], '--env "A-B=c" is not NAME=VALUE with a variable name of letters, digits and "_" (not starting with a digit)'],
    [['=c'], '--env "=c" is not NAME=VALUE with a variable name of letters, digits and "_" (not starting with a digit)'],
    [['A=1', 'A=2'], '--env A is given twice: give each variable once'],
    [['A=\0'], '--env A: the value holds a NUL or a broken character, which kubelet cannot pass to a program'],
    [['A=\ud800'], '--env A: the value holds a NUL or a broken character, which kubelet cannot pass to a program'],
  ])('--env %j is refused', (flags, message) => {
    expect(() => parseEnvFlags(flags)).toThrow(message);
  });

  it.each([
    ['0s', '--cache-duration 0s: the duration must be more than 0'],
    ['-1h', '--cache-duration -1h: the duration must be more than 0'],
    ['1d', '--cache-duration "1d" is not a Go duration such as 12h, 90m or 1h30m'],
  ])('--cache-duration %s is refused', (text, message) => {
    expect(() => parseCacheDurationFlag(text)).toThrow(message);
  });

  it('--format takes yaml or json only; --public and --cache-duration pass through', () => {
    expect(() => parseKubeletConfigFlags({ name: 'ecr', env: [], format: 'yml' })).toThrow('--format "yml" is not yaml or json');
    expect(parseKubeletConfigFlags({ name: 'ecr', env: [], format: 'json', public: true, cacheDuration: '90m' })).toEqual({
      name: 'ecr',
      serviceAccount: false,
      public: true,
      env: [],
      format: 'json',
      cacheDuration: '90m',
    });
  });
});
