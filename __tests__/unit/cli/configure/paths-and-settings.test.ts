import { resolveContainersAuthFile, resolveDockerConfigFile } from '../../../../src/cli/client-files';
import { checkRoleArn, editSettings, parseAliasOption } from '../../../../src/cli/configure/edit-settings';
import { runConfigure } from '../../../../src/cli/configure/run-configure';
import { findOnPath } from '../../../../src/cli/find-on-path';
import { parseConfig } from '../../../../src/config';
import { ConfigError, UsageError } from '../../../../src/errors';
import { hostProcessFacts } from '../../../helpers/host-fs';
import { PUBLIC_REGISTRY_HOSTS } from '../../../helpers/public-registries';

describe('findOnPath (as docker finds docker-credential-<name>)', () => {
  const files = (...existing: string[]) => {
    const set = new Set(existing);
    return (file: string) => set.has(file);
  };

  it.each([
    ['the first PATH entry that has it', { PATH: '/usr/bin:/opt/a:/opt/b' }, files('/opt/b/x', '/opt/a/x'), '/opt/a/x'],
    ['none', { PATH: '/usr/bin:/bin' }, files('/opt/a/x'), undefined],
    ['no PATH at all', {}, files('/usr/bin/x'), undefined],
    ['not through an empty entry (the current directory: Go refuses that)', { PATH: ':/usr/bin' }, files('x'), undefined],
    ['not through a relative entry', { PATH: 'bin:/usr/bin' }, files('bin/x'), undefined],
  ])('on Linux: %s', (_what, env, exists, expected) => {
    expect(findOnPath('x', env, 'linux', exists)).toBe(expected);
  });

  it.each([
    [
      'with an extension from PATHEXT',
      { PATH: 'C:\\Windows;C:\\tools', PATHEXT: '.COM;.EXE;.BAT' },
      files('C:\\tools\\x.exe'),
      'C:\\tools\\x.exe',
    ],
    ['with the default PATHEXT', { PATH: 'C:\\tools' }, files('C:\\tools\\x.cmd'), 'C:\\tools\\x.cmd'],
    ['not without an extension', { PATH: 'C:\\tools' }, files('C:\\tools\\x'), undefined],
    ['not with an extension PATHEXT lacks', { PATH: 'C:\\tools', PATHEXT: '.EXE' }, files('C:\\tools\\x.cmd'), undefined],
    [
      'in a quoted entry',
      { PATH: '"C:\\Program Files\\ecr";C:\\x', PATHEXT: '.EXE' },
      files('C:\\Program Files\\ecr\\x.exe'),
      'C:\\Program Files\\ecr\\x.exe',
    ],
  ])('on Windows: %s', (_what, env, exists, expected) => {
    expect(findOnPath('x', env, 'win32', exists)).toBe(expected);
  });
});

describe('where the files are', () => {
  it('docker: $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(resolveDockerConfigFile({ DOCKER_CONFIG: '/etc/docker-ci' }, '/home/u')).toBe('/etc/docker-ci/config.json');
    expect(resolveDockerConfigFile({}, '/home/u')).toBe('/home/u/.docker/config.json');
  });

  it.each([
    ['REGISTRY_AUTH_FILE first', { REGISTRY_AUTH_FILE: '/x/auth.json', XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', '/x/auth.json'],
    ['XDG_RUNTIME_DIR on Linux', { XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', '/run/user/1000/containers/auth.json'],
    ['/run/containers/<uid> on Linux without XDG_RUNTIME_DIR (not ~/.config)', {}, 'linux', '/run/containers/1000/auth.json'],
    ['~/.config on macOS', { XDG_RUNTIME_DIR: '/run/user/1000' }, 'darwin', '/home/u/.config/containers/auth.json'],
  ] as const)('containers: %s', (_what, env, platform, expected) => {
    expect(resolveContainersAuthFile(env, '/home/u', platform, 1000, () => true)).toBe(expected);
  });

  it('containers: a missing XDG_RUNTIME_DIR is an error, as podman makes it', () => {
    expect(() => resolveContainersAuthFile({ XDG_RUNTIME_DIR: '/run/user/9' }, '/home/u', 'linux', 9, () => false)).toThrow(
      new ConfigError(
        'XDG_RUNTIME_DIR=/run/user/9 does not exist, so podman and skopeo have no auth file there either: create the directory, unset XDG_RUNTIME_DIR, or name a file with --config',
      ),
    );
  });

  it('settings: AWS_ECR_CONFIG (absolute only), else config.json in the cache directory', async () => {
    expect(parseConfig({ AWS_ECR_CONFIG: '/etc/ecr.json' }, '/home/u').settingsFile?.path).toBe('/etc/ecr.json');
    expect(parseConfig({}, '/home/u').settingsFile?.path).toBe('/home/u/.ecr/config.json');
    // Refused before any file is read (a dry run: should that fail, nothing is written where the test runs).
    const options = { registry: ['123456789012.dkr.ecr.us-east-1.amazonaws.com'], profile: 'prod', alias: [], dryRun: true };
    const ctx = {
      config: parseConfig({ AWS_ECR_CONFIG: 'ecr.json' }, '/home/u'),
      output: () => undefined,
      warn: () => undefined,
      ...hostProcessFacts(),
    };
    await expect(runConfigure(options, ctx)).rejects.toThrow('is not an absolute path');
  });
});

describe('settings entries', () => {
  const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

  it.each([
    ['reg.example.com=123456789012.dkr.ecr.us-east-1.amazonaws.com', { alias: 'reg.example.com', target: ECR }],
    ['Proxy.Example.com:5000=https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', { alias: 'proxy.example.com:5000', target: ECR }],
    // HTTPS's own port is no port: the entry and its credHelpers key are the bare host, which docker looks up for reg.example.com/app.
    [`reg.example.com:443=${ECR}`, { alias: 'reg.example.com', target: ECR }],
  ])('--alias %s', (value, expected) => {
    expect(parseAliasOption(value)).toEqual(expected);
  });

  it.each([
    ['reg.example.com', 'write --alias ALIAS=ECR-HOST'],
    ['reg.example.com=ghcr.io', 'ghcr.io is not an Amazon ECR registry host'],
    [`${ECR}=${ECR}`, 'that is an Amazon ECR host already'],
    ['bad host!=123456789012.dkr.ecr.us-east-1.amazonaws.com', 'is not a host name'],
  ])('--alias %s is refused', (value, message) => {
    expect(() => parseAliasOption(value)).toThrow(UsageError);
    expect(() => parseAliasOption(value)).toThrow(message);
  });

  // Docker would send the ECR token with every pull from these registries.
  it.each([...PUBLIC_REGISTRY_HOSTS, 'GHCR.IO', 'quay.io:5000'])('--alias %s=<ECR host> is refused: a public registry', (alias) => {
    expect(() => parseAliasOption(`${alias}=${ECR}`)).toThrow(
      new UsageError(
        `--alias ${alias}=${ECR}: ${alias} is a public registry's host: an alias gets its ECR registry's token, which docker would then send with every pull from that registry; an alias must be a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run)`,
      ),
    );
  });

  it.each(['public.ecr.aws', 'ecr-public.aws.com'])('--alias %s=<ECR host> is refused: an ECR host already', (alias) => {
    expect(() => parseAliasOption(`${alias}=${ECR}`)).toThrow(
      new UsageError(`--alias ${alias}: that is an Amazon ECR host already; an alias is another name (a CNAME, a proxy)`),
    );
  });

  it.each([
    'arn:aws:iam::123456789012:role/puller',
    'arn:aws-cn:iam::123456789012:role/path/to/x',
    'arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f-g',
  ])('role ARN %s is accepted', (arn) => {
    expect(checkRoleArn(arn)).toBe(arn);
  });

  it.each(['arn:aws:iam::123456789012:user/bob', 'arn:aws:iam::12345:role/x', 'arn:aws:sts::123456789012:assumed-role/x/y', 'role/x'])(
    'role ARN %s is refused',
    (arn) => {
      expect(() => checkRoleArn(arn)).toThrow('is not an IAM role ARN');
    },
  );

  it('writes the documented format, merges into an entry, and changes nothing the second time', () => {
    const request = {
      registries: [{ pattern: '*.dkr.ecr.eu-west-1.amazonaws.com', roleArn: 'arn:aws:iam::123456789012:role/puller' }],
      aliases: [{ alias: 'reg.example.com', target: ECR }],
    };
    const first = editSettings(undefined, request, 'f');
    expect(first.text).toBe(
      '{\n\t"registries": {\n\t\t"*.dkr.ecr.eu-west-1.amazonaws.com": {\n\t\t\t"roleArn": "arn:aws:iam::123456789012:role/puller"\n\t\t}\n\t},\n\t"aliases": {\n\t\t"reg.example.com": "123456789012.dkr.ecr.us-east-1.amazonaws.com"\n\t}\n}\n',
    );
    expect(editSettings(first.text, request, 'f')).toEqual({ text: first.text, changes: [] });
    const second = editSettings(
      first.text,
      { registries: [{ pattern: '*.dkr.ecr.eu-west-1.amazonaws.com', profile: 'base' }], aliases: [] },
      'f',
    );
    expect(JSON.parse(second.text).registries).toEqual({
      '*.dkr.ecr.eu-west-1.amazonaws.com': { roleArn: 'arn:aws:iam::123456789012:role/puller', profile: 'base' },
    });
    expect(second.changes).toEqual(['registries["*.dkr.ecr.eu-west-1.amazonaws.com"].profile: base']);
  });
});
