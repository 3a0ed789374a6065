import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../src/errors';
import { loadSettings } from '../../../src/settings/load-settings';
import { parseSettings } from '../../../src/settings/parse-settings';
import {
  matchesHostPattern,
  selectAlias,
  selectRegistrySettings,
  selectRegistryTarget,
} from '../../../src/settings/select-registry-settings';
import { hostFs } from '../../helpers/host-fs';
import { itOnUnix } from '../../helpers/platform';
import { PUBLIC_REGISTRY_HOSTS } from '../../helpers/public-registries';
import { randomText, seededRandom } from '../../helpers/seeded-random';
import { makeTempDir } from '../../helpers/temp-dir';

const FILE = '/home/u/.ecr/config.json';
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/puller';

/** The one line the user sees for `text`. */
function problem(text: string): string {
  try {
    parseSettings(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).hint ?? '';
  }
  throw new Error('parsed without an error');
}

const json = (value: unknown): string => JSON.stringify(value);
const prefix = `invalid settings file ${FILE}: `;

describe('parseSettings', () => {
  it('reads the documented example', () => {
    const settings = parseSettings(
      json({
        registries: {
          [HOST]: { profile: 'prod' },
          '*.dkr.ecr.eu-west-1.amazonaws.com': { roleArn: ROLE, profile: 'base' },
        },
        aliases: { 'registry.example.com': HOST },
      }),
      FILE,
    );
    expect(settings.file).toBe(FILE);
    expect(settings.registries.map((r) => [r.pattern.key, r.pattern.isGlob, r.settings])).toEqual([
      [HOST, false, { profile: 'prod' }],
      ['*.dkr.ecr.eu-west-1.amazonaws.com', true, { roleArn: ROLE, profile: 'base' }],
    ]);
    expect(settings.aliases).toEqual([{ host: 'registry.example.com', port: undefined, target: HOST }]);
  });

  it('a syntax error names the line and column, not an offset', () => {
    const message = problem('{\n  "aliases": {\n    "a.example.com": "public.ecr.aws",\n  }\n}');
    expect(message.startsWith(`${prefix}the text is not JSON (`)).toBe(true);
    expect(message).toMatch(/ at line 4, column 3\)$/);
    expect(message).not.toContain('position');
  });

  it.each([
    ['{}', 'no sections'],
    [json({ registries: {}, aliases: {} }), 'empty sections'],
    [
      json({
        registries: {
          [`${HOST}:5000`]: { roleArn: 'arn:aws-cn:iam::123456789012:role/path/to/r', roleSessionName: 'ci-run', externalId: 'x-1' },
        },
      }),
      'port, China partition, role path, session name, external id',
    ],
    [json({ registries: { [HOST]: { roleArn: 'arn:aws-us-gov:iam::123456789012:role/r' } } }), 'GovCloud'],
    [json({ aliases: { 'Registry.Example.com:8443': 'public.ecr.aws' } }), 'ECR Public target, alias with a port'],
  ])('accepts %s (%s)', (text) => {
    expect(() => parseSettings(text, FILE)).not.toThrow();
  });

  it.each([
    ['{', `the text is not JSON (`],
    ['\uFEFF{}', 'the text starts with a byte order mark (U+FEFF): save it as UTF-8 without one'],
    ['[]', 'the file must be a JSON object'],
    ['null', 'the file must be a JSON object'],
    [json({ registry: {} }), 'registry is not a known field (known: registries, aliases)'],
    [json({ registries: [] }), 'registries must be a JSON object'],
    [json({ registries: { [HOST]: 'prod' } }), `registries["${HOST}"] must be a JSON object`],
    [
      json({ registries: { [HOST]: { rolearn: ROLE } } }),
      `registries["${HOST}"].rolearn is not a known field (known: profile, roleArn, roleSessionName, externalId)`,
    ],
    [
      json({ registries: { '*.foo': { roleArn: 'arn:aws:iam::123456789012:user/me' } } }),
      'registries["*.foo"].roleArn must be an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/[<path>/]<name> (partition aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc)',
    ],
    [
      json({ registries: { [HOST]: { roleArn: 'arn:aws-xx:iam::123456789012:role/r' } } }),
      `registries["${HOST}"].roleArn must be an IAM role ARN`,
    ],
    [json({ registries: { [HOST]: { roleArn: 'arn:aws:iam::1234:role/r' } } }), `registries["${HOST}"].roleArn must be an IAM role ARN`],
    [
      json({ registries: { [HOST]: { profile: 'my profile' } } }),
      `registries["${HOST}"].profile must be an AWS profile name (no spaces, brackets, # or ;)`,
    ],
    [json({ registries: { [HOST]: { profile: 7 } } }), `registries["${HOST}"].profile must be an AWS profile name`],
    [
      json({ registries: { [HOST]: { roleArn: ROLE, roleSessionName: 'a b' } } }),
      `registries["${HOST}"].roleSessionName must be 2 to 64 characters of letters, digits and +=,.@_-`,
    ],
    [json({ registries: { [HOST]: {} } }), `registries["${HOST}"] must have "profile", "roleArn" or both`],
    [
      json({ registries: { [HOST]: { profile: 'p', externalId: 'abc' } } }),
      `registries["${HOST}"] has roleSessionName or externalId without roleArn`,
    ],
    [
      json({ registries: { 'https://x.example.com': { profile: 'p' } } }),
      'registries["https://x.example.com"] is not a host name with an optional :port (`*` may stand for any part of a label)',
    ],
    [json({ registries: { 'x.example.com:99999': { profile: 'p' } } }), 'registries["x.example.com:99999"] is not a host name'],
    [json({ registries: { 'x..example.com': { profile: 'p' } } }), 'registries["x..example.com"] is not a host name'],
    [
      json({ registries: { 'A.example.com': { profile: 'p' }, 'a.example.com': { profile: 'q' } } }),
      'registries["a.example.com"] repeats registries["A.example.com"] (host names ignore letter case; :443 is no port)',
    ],
    [json({ aliases: { 'registry.example.com': 7 } }), 'aliases["registry.example.com"] must be a string'],
    [json({ aliases: { '*.example.com': HOST } }), 'aliases["*.example.com"] is not a host name with an optional :port'],
    [
      json({ aliases: { [HOST]: '123456789012.dkr.ecr.us-west-2.amazonaws.com' } }),
      `aliases["${HOST}"] is an Amazon ECR registry host itself: only other host names can be aliases`,
    ],
    [
      json({ aliases: { 'registry.example.com': 'registry.example.org' } }),
      'aliases["registry.example.com"] must be an Amazon ECR registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com, not "registry.example.org"',
    ],
    [
      json({ aliases: { 'registry.example.com': `https://${HOST}/v2/` } }),
      'aliases["registry.example.com"] must be an Amazon ECR registry host',
    ],
    [
      json({ aliases: { 'a.example.com': 'b.example.com', 'b.example.com': HOST } }),
      'aliases["a.example.com"] names another alias (b.example.com): an alias must name an Amazon ECR registry host',
    ],
    // Duplicate keys: JSON.parse keeps the last without a word, so the first would silently do nothing.
    [
      `{"registries": {"${HOST}": {"roleArn": "${ROLE}"}, "${HOST}": {"profile": "other"}}}`,
      `registries["${HOST}"] appears twice in the same object: keep one`,
    ],
    [`{"registries": {"${HOST}": {"profile": "a"}}, "registries": {}}`, 'registries appears twice in the same object: keep one'],
    [`{"aliases": {"r.example.com": "${HOST}", "r.example.com": "public.ecr.aws"}}`, 'aliases["r.example.com"] appears twice'],
    [`{"registries": {"${HOST}": {"profile": "a", "profile": "b"}}}`, `registries["${HOST}"].profile appears twice`],
    // Aliases that one request would match twice (letter case, the default port).
    [
      json({ aliases: { 'R.example.com': HOST, 'r.example.com': 'public.ecr.aws' } }),
      'aliases["r.example.com"] repeats aliases["R.example.com"] (host names ignore letter case; :443 is no port)',
    ],
    [
      json({ aliases: { 'r.example.com': HOST, 'r.example.com:443': HOST } }),
      'aliases["r.example.com:443"] repeats aliases["r.example.com"]',
    ],
    [
      json({ registries: { [HOST]: { profile: 'a' }, [`${HOST}:443`]: { profile: 'b' } } }),
      `registries["${HOST}:443"] repeats registries["${HOST}"]`,
    ],
    // Alias keys match only as spelled: forms the URL readers would read as other hosts name none.
    [
      json({ aliases: { '010.0.0.1': HOST } }),
      'aliases["010.0.0.1"] is not a host name with an optional :port, written as every client reads it',
    ],
    [json({ aliases: { '127.1': HOST } }), 'aliases["127.1"] is not a host name'],
    [json({ aliases: { '2130706433': HOST } }), 'aliases["2130706433"] is not a host name'],
    [json({ aliases: { 'mirror.example.com:05000': HOST } }), 'aliases["mirror.example.com:05000"] is not a host name'],
    // A host key that is no ECR registry (a misspelt account or domain) would never be used.
    [
      json({ registries: { '12345678901.dkr.ecr.us-east-1.amazonaws.com': { roleArn: ROLE } } }),
      'registries["12345678901.dkr.ecr.us-east-1.amazonaws.com"] is not an Amazon ECR registry host (<12-digit account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), so it would never be used',
    ],
    [json({ registries: { 'ghcr.io': { profile: 'p' } } }), 'registries["ghcr.io"] is not an Amazon ECR registry host'],
    // An entry for an alias host would never be used: the alias takes its target's entry.
    [
      json({ registries: { 'registry.example.com': { profile: 'prod' } }, aliases: { 'registry.example.com': HOST } }),
      `registries["registry.example.com"] names the alias registry.example.com, which takes the entry of the registry it names (${HOST}): put the profile or role there`,
    ],
  ])('rejects %s with one line naming the file and the field', (text, expected) => {
    expect(problem(text)).toContain(prefix + expected);
    expect(problem(text)).not.toContain('\n');
  });
});

describe('an alias is never a public registry (docker would send it the ECR token with every pull)', () => {
  it.each([
    ...PUBLIC_REGISTRY_HOSTS,
    // Any letter case and any port: clients send all of them to the same registry.
    'GHCR.io',
    'docker.io:5000',
    'quay.io:443',
  ])('aliases[%j] is refused with one line naming the file and the key', (alias) => {
    expect(problem(json({ aliases: { [alias]: HOST } }))).toBe(
      `${prefix}aliases[${JSON.stringify(alias)}] is a public registry's host: an alias gets its ECR registry's token, which docker would then send with every pull from that registry; an alias must be a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run)`,
    );
  });

  it.each(['public.ecr.aws', 'ecr-public.aws.com'])('aliases[%j] is refused as an ECR host itself', (alias) => {
    expect(problem(json({ aliases: { [alias]: HOST } }))).toBe(
      `${prefix}aliases[${JSON.stringify(alias)}] is an Amazon ECR registry host itself: only other host names can be aliases`,
    );
  });
});

describe('glob matching (kubelet matchImages rules)', () => {
  const pattern = (key: string) => {
    const rule = parseSettings(json({ registries: { [key]: { profile: 'p' } } }), FILE).registries[0];
    if (!rule) throw new Error('no rule');
    return rule.pattern;
  };
  it.each([
    ['*.dkr.ecr.*.amazonaws.com', HOST, undefined, true],
    ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com.cn', undefined, false],
    ['*.dkr.ecr.*.amazonaws.com', 'a.123456789012.dkr.ecr.us-east-1.amazonaws.com', undefined, false],
    ['*.dkr.ecr.us-*-1.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com', undefined, true],
    ['*.dkr.ecr.us-*-1.amazonaws.com', '123456789012.dkr.ecr.us-east-2.amazonaws.com', undefined, false],
    ['1234*.dkr.ecr.us-east-1.amazonaws.com', HOST, undefined, true],
    ['*.DKR.ecr.us-east-1.amazonaws.com', HOST.toUpperCase(), undefined, true],
    [`${HOST}:5000`, HOST, 5000, true],
    [`${HOST}:5000`, HOST, undefined, false],
    [HOST, HOST, 5000, false],
    ['*.dkr.ecr.us-east-1.amazonaws.com', HOST.replace('.', 'x'), undefined, false],
  ])('%s against %s port %s: %s', (key, hostname, port, expected) => {
    expect(matchesHostPattern(pattern(key), { hostname, port })).toBe(expected);
  });

  it.each([
    ['a*b*c.x', 'abc.x', true],
    ['a*b*c.x', 'axxbyyc.x', true],
    ['a*b*c.x', 'acb.x', false],
    ['ab*ba.x', 'aba.x', false],
    ['*a*.x', 'a.x', true],
    ['a**b.x', 'ab.x', true],
    ['*.x', '.x', true],
  ])('label globs: %s against %s: %s', (key, hostname, expected) => {
    expect(matchesHostPattern(pattern(key), { hostname, port: undefined })).toBe(expected);
  });

  it('matches labels as the RegExp built from the glob did (differential, 5000 random pairs)', () => {
    const reference = (glob: string, label: string): boolean =>
      new RegExp(
        `^${glob
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^.]*')}$`,
      ).test(label);
    const random = seededRandom(16);
    for (let n = 0; n < 5000; n++) {
      const glob = randomText(random, ['*', 'a', 'b', 'ab', '-'], 6);
      const label = randomText(random, ['a', 'b', 'ab', 'ba', '-'], 8);
      const globPattern = { key: glob, labels: [glob, 'x'], port: undefined, isGlob: true };
      expect([glob, label, matchesHostPattern(globPattern, { hostname: `${label}.x`, port: undefined })]).toEqual([
        glob,
        label,
        reference(glob, label),
      ]);
    }
  });

  it('a 64 KiB label against a glob of many stars, in well under a second', () => {
    const started = performance.now();
    expect(matchesHostPattern(pattern('*a*a*a*a*a*a*a*b.x'), { hostname: `${'a'.repeat(65536)}.x`, port: undefined })).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('prefers the exact key, then the first matching glob in file order', () => {
    const settings = parseSettings(
      json({
        registries: {
          '*.dkr.ecr.*.amazonaws.com': { profile: 'any-region' },
          '*.dkr.ecr.us-east-1.amazonaws.com': { profile: 'us-east-1' },
          [HOST]: { profile: 'exact' },
        },
      }),
      FILE,
    );
    expect(selectRegistrySettings(settings, { hostname: HOST, port: undefined })).toEqual({ profile: 'exact' });
    const other = '999999999999.dkr.ecr.us-east-1.amazonaws.com';
    expect(selectRegistrySettings(settings, { hostname: other, port: undefined })).toEqual({ profile: 'any-region' });
    expect(selectRegistrySettings(settings, { hostname: 'registry.example.com', port: undefined })).toBeUndefined();
  });
});

describe('aliases', () => {
  const settings = parseSettings(
    json({
      registries: { [HOST]: { roleArn: ROLE } },
      aliases: { 'registry.example.com': HOST, 'proxy.example.com:5000': HOST.toUpperCase() },
    }),
    FILE,
  );

  it.each([
    'registry.example.com',
    'Registry.Example.COM',
    'https://registry.example.com',
    'https://registry.example.com/v2/',
    'registry.example.com:443',
    'https://user@registry.example.com:443/repo/x',
    'registry.example.com/team/app',
    'proxy.example.com:5000',
    'https://proxy.example.com:5000/v2/',
  ])('%s names the alias, with the target registry and its settings', (input) => {
    const target = selectRegistryTarget(input, settings);
    expect(target?.registry).toEqual({ kind: 'ecr', host: HOST, registryId: '123456789012', region: 'us-east-1', fips: false });
    expect(target?.alias).toBeDefined();
    expect(target?.settings).toEqual({ roleArn: ROLE });
  });

  it('an alias or a registry key written with :443 matches the host as clients send it (the default port dropped)', () => {
    const written = parseSettings(
      json({ registries: { [`${HOST}:443`]: { profile: 'p' } }, aliases: { 'registry.example.com:443': HOST } }),
      FILE,
    );
    for (const input of ['registry.example.com', 'registry.example.com:443', 'https://registry.example.com:443/v2/']) {
      expect(selectRegistryTarget(input, written)).toEqual(expect.objectContaining({ settings: { profile: 'p' } }));
    }
  });

  it('a __proto__ key is an unknown field or a plain host name, never a prototype', () => {
    expect(problem('{"__proto__": {"registries": {}}}')).toContain(`${prefix}__proto__ is not a known field`);
    expect(problem(`{"registries": {"${HOST}": {"__proto__": {"roleArn": "${ROLE}"}}}}`)).toContain(
      `registries["${HOST}"].__proto__ is not a known field`,
    );
    const settings = parseSettings(`{"aliases": {"__proto__": "${HOST}"}}`, FILE);
    expect(settings.aliases).toEqual([{ host: '__proto__', port: undefined, target: HOST }]);
    expect(({} as Record<string, unknown>).roleArn).toBeUndefined();
  });

  it.each(['http://registry.example.com', 'registry.example.com:5000', 'proxy.example.com', 'other.example.com', 'example.com'])(
    '%s names no alias',
    (input) => {
      expect(selectRegistryTarget(input, settings)).toBeUndefined();
    },
  );

  it('an ECR host is its own target, never an alias', () => {
    expect(selectRegistryTarget(`https://${HOST}`, settings)).toEqual(
      expect.objectContaining({ alias: undefined, settings: { roleArn: ROLE } }),
    );
    expect(selectAlias(settings, { hostname: HOST, port: undefined })).toBeUndefined();
  });
});

describe('loadSettings', () => {
  it('a missing file is no settings, also when AWS_ECR_CONFIG names it', () => {
    const dir = makeTempDir();
    expect(loadSettings({ path: path.join(dir, 'config.json'), fromEnv: false }, hostFs()).registries).toEqual([]);
    expect(loadSettings({ path: path.join(dir, 'config.json'), fromEnv: true }, hostFs()).aliases).toEqual([]);
    expect(loadSettings(undefined, hostFs()).registries).toEqual([]);
    // A file where the cache directory should be: no settings there either.
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    expect(loadSettings({ path: path.join(dir, 'blocker', 'config.json'), fromEnv: false }, hostFs()).registries).toEqual([]);
  });

  it('refuses a relative AWS_ECR_CONFIG, a symlink, a directory and a huge file', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(path.join(dir, 'real.json'), '{}');
    fs.symlinkSync(path.join(dir, 'real.json'), file);
    expect(() => loadSettings({ path: 'config.json', fromEnv: true }, hostFs())).toThrow(
      'settings file config.json (AWS_ECR_CONFIG) is not an absolute path: set AWS_ECR_CONFIG to an absolute path',
    );
    expect(() => loadSettings({ path: file, fromEnv: false }, hostFs())).toThrow(
      `settings file ${file} cannot be used: ${file} is a symbolic link; it must be a regular file of yours that only you can write`,
    );
    expect(() => loadSettings({ path: dir, fromEnv: false }, hostFs())).toThrow(
      `settings file ${dir} cannot be used: ${dir} is not a regular file`,
    );
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, ' '.repeat(300 * 1024));
    expect(() => loadSettings({ path: big, fromEnv: false }, hostFs())).toThrow(`settings file ${big} is larger than 256 KiB`);
  });

  itOnUnix('refuses a file that group or others may write, and reads it once it is not', 'POSIX modes', () => {
    const file = path.join(makeTempDir(), 'config.json');
    fs.writeFileSync(file, json({ aliases: { 'registry.example.com': HOST } }));
    for (const mode of [0o664, 0o646]) {
      fs.chmodSync(file, mode);
      expect(() => loadSettings({ path: file, fromEnv: true }, hostFs())).toThrow(
        `settings file ${file} (AWS_ECR_CONFIG) cannot be used: ${file} can be written by group or others (mode 0${mode.toString(8)}; chmod go-w it); it must be a regular file of yours that only you can write`,
      );
    }
    fs.chmodSync(file, 0o644);
    expect(loadSettings({ path: file, fromEnv: true }, hostFs()).aliases).toHaveLength(1);
  });

  it('refuses text that is not UTF-8, naming where (a bad byte must not become a U+FFFD profile name)', () => {
    const file = path.join(makeTempDir(), 'config.json');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from(`{\n  "registries": {"${HOST}": {"profile": "caf`), Buffer.from([0xe9]), Buffer.from('"}}}')]),
    );
    expect(() => loadSettings({ path: file, fromEnv: false }, hostFs())).toThrow(
      `settings file ${file} is not UTF-8 text (a byte that is not UTF-8 at line 2, column ${`  "registries": {"${HOST}": {"profile": "caf`.length + 1})`,
    );
    // A U+FFFD written as such is text like any other.
    fs.writeFileSync(file, `{"registries": {"${HOST}": {"profile": "caf\uFFFD"}}}`);
    expect(loadSettings({ path: file, fromEnv: false }, hostFs()).registries[0]?.settings).toEqual({ profile: 'caf\uFFFD' });
  });

  it('reads and validates a file of ours', () => {
    const file = path.join(makeTempDir(), 'config.json');
    fs.writeFileSync(file, json({ aliases: { 'registry.example.com': HOST } }));
    expect(loadSettings({ path: file, fromEnv: false }, hostFs()).aliases).toHaveLength(1);
    fs.writeFileSync(file, json({ aliases: { 'registry.example.com': 'nope' } }));
    expect(() => loadSettings({ path: file, fromEnv: false }, hostFs())).toThrow(
      `invalid settings file ${file}: aliases["registry.example.com"] must be`,
    );
  });
});

describe('an alias written as an IP address matches that spelling only', () => {
  const settings = parseSettings(
    JSON.stringify({ aliases: { '10.0.0.1:5000': '123456789012.dkr.ecr.us-east-1.amazonaws.com' } }),
    '/s.json',
  );
  it.each([
    ['10.0.0.1:5000', true],
    ['https://10.0.0.1:5000/v2/', true],
    ['10.0.0.1', false],
    ['10.0.0.01:5000', false],
    ['0x0a.0.0.1:5000', false],
    ['10.1:5000', false],
    ['167772161:5000', false],
    ['[::ffff:10.0.0.1]:5000', false],
    ['10.0.0.1:05000', false],
  ])('%s: %s', (input, matches) => {
    expect(selectRegistryTarget(input, settings) !== undefined).toBe(matches);
  });
});
