import * as fs from 'node:fs';
import * as path from 'node:path';
import { eachOnUnix, itOnUnix } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { itAsRoot } from '../helpers/root';
import { dirWithHelper, HELPER_BIN, HELPER_COMMAND, helperCommandForAnyUser, RUNTIME, runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * `configure` run as the built helper, with a temp HOME (and DOCKER_CONFIG), against copies of
 * real-world configs (__tests__/fixtures/configure).
 */

const FIXTURES = path.resolve(__dirname, '../fixtures/configure');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const isWindows = process.platform === 'win32';
const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/** A PATH of the test's own, with no docker-credential-ecr-login on it (whatever the machine has in /usr/bin). */
const BARE_PATH = testPath();
const NOT_ON_PATH =
  'ecr-login: docker-credential-ecr-login is not on PATH, so docker cannot run the "ecr-login" helper configured here: put it (or a link to it) in a directory on PATH under that name\n';

function home(): { home: string; dockerDir: string; config: string } {
  const dir = makeTempDir();
  const dockerDir = path.join(dir, '.docker');
  return { home: dir, dockerDir, config: path.join(dockerDir, 'config.json') };
}

/** A directory with one program in it under the helper's name, `script` (0755). */
function dirWithProgram(script: string): string {
  const bin = makeTempDir();
  fs.writeFileSync(path.join(bin, 'docker-credential-ecr-login'), script, { mode: 0o755 });
  return bin;
}

function configure(args: readonly string[], env: Record<string, string>) {
  return runHelper(['configure', ...args], '', { PATH: BARE_PATH, ...env });
}

describe('configure', () => {
  it('creates a missing config (0600, in a new 0700 directory), and a second run changes nothing', async () => {
    const { home: HOME, dockerDir, config } = home();
    const first = await configure(['--registry', ECR], { HOME });
    expect(first).toMatchObject({ code: 0, stdout: `${config}: created\n  credHelpers: added ${ECR}\n`, stderr: NOT_ON_PATH });
    expect(fs.readFileSync(config, 'utf8')).toBe(`{\n\t"credHelpers": {\n\t\t"${ECR}": "ecr-login"\n\t}\n}\n`);
    if (!isWindows) {
      expect(mode(config)).toBe(0o600);
      expect(mode(dockerDir)).toBe(0o700);
    }
    const mtime = fs.statSync(config).mtimeMs;
    const second = await configure(['--registry', `https://${ECR}/v2/`], { HOME });
    expect(second).toMatchObject({ code: 0, stdout: `${config}: already configured\n` });
    // Userinfo pasted with the URL is no part of the key docker looks up.
    expect(await configure(['--registry', `https://user@${ECR}/v2/`], { HOME })).toMatchObject({
      code: 0,
      stdout: `${config}: already configured\n`,
    });
    // :443 is the host as docker looks it up for ECR/app: the same entry, not a second one docker never matches.
    expect(await configure(['--registry', `${ECR}:443`], { HOME })).toMatchObject({ code: 0, stdout: `${config}: already configured\n` });
    expect(fs.statSync(config).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
  });

  it('says nothing about PATH when docker finds this helper there', async () => {
    const { home: HOME } = home();
    const result = await configure(['--registry', ECR], { HOME, PATH: testPath(dirWithHelper()) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  itOnUnix('says nothing either when what docker finds cannot be asked what it is', 'a #!/bin/sh program', async () => {
    const { home: HOME } = home();
    const result = await configure(['--registry', ECR], { HOME, PATH: testPath(dirWithProgram('#!/bin/sh\n')) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  eachOnUnix<[string, string[]]>(
    [
      ['written', []],
      ['with --dry-run', ['--dry-run']],
    ],
    'a #!/bin/sh program',
  )('warns, in one line, when another program comes first on PATH (the Go helper in /usr/bin): %s', async (_what, extra) => {
    const { home: HOME, config } = home();
    // Debian's Go helper answers `version` with a bare version number.
    const shadow = dirWithProgram('#!/bin/sh\necho 0.6.4\n');
    const ours = dirWithHelper();
    const result = await configure(['--registry', ECR, ...extra], { HOME, PATH: testPath(shadow, ours) });
    const found = path.join(shadow, 'docker-credential-ecr-login');
    // The Node entry is started as bin/docker-credential-ecr-login, the executable as itself.
    const programDir = path.dirname(HELPER_BIN);
    expect(result).toMatchObject({
      code: 0,
      stderr: `ecr-login: docker will run ${found}, not this helper: it comes first on PATH and is another program (\`docker-credential-ecr-login version\` answered "0.6.4" (the Go amazon-ecr-credential-helper answers a bare version)); remove or rename it, or put ${programDir} before ${shadow} on PATH\n`,
    });
    expect(fs.existsSync(config)).toBe(extra.length === 0);
    // With this helper first, the other one behind it does not matter.
    expect(await configure(['--registry', ECR, ...extra], { HOME, PATH: testPath(ours, shadow) })).toMatchObject({ code: 0, stderr: '' });
  });

  it('updates a real config in $DOCKER_CONFIG: every other key kept, the old file in config.json.bak (0600)', async () => {
    const { home: HOME } = home();
    const dockerConfig = makeTempDir();
    const config = path.join(dockerConfig, 'config.json');
    const original = fixture('ci-runner-linux.json');
    fs.writeFileSync(config, original, { mode: 0o600 });
    const result = await configure(['--all-ecr'], { HOME, DOCKER_CONFIG: dockerConfig });
    expect(result).toMatchObject({
      code: 0,
      stdout: `${config}: updated (the previous version is in ${config}.bak)\n  credHelpers: added 222233334444.dkr.ecr.eu-central-1.amazonaws.com\n  credHelpers: added public.ecr.aws\n`,
    });
    expect(fs.readFileSync(`${config}.bak`, 'utf8')).toBe(original);
    if (!isWindows) expect(mode(`${config}.bak`)).toBe(0o600);
    const updated = fs.readFileSync(config, 'utf8');
    expect(updated).toBe(
      original.replace(
        '\t"experimental": "enabled"\n}\n',
        '\t"experimental": "enabled",\n\t"credHelpers": {\n\t\t"222233334444.dkr.ecr.eu-central-1.amazonaws.com": "ecr-login",\n\t\t"public.ecr.aws": "ecr-login"\n\t}\n}\n',
      ),
    );
    expect(fs.readdirSync(dockerConfig).sort()).toEqual(['config.json', 'config.json.bak']);
  });

  it('removes the copies a killed configure left beside the file once a minute old, and nothing else (not with --dry-run)', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    fs.writeFileSync(config, '{\n\t"auths": {}\n}\n', { mode: 0o600 });
    const copy = '{"auths":{"registry.gitlab.com":{"auth":"Z2l0bGFiLWNpLXRva2VuOnNlY3JldA=="}}}';
    const leave = (name: string, ageMs: number): string => {
      const file = path.join(dockerDir, name);
      fs.writeFileSync(file, copy, { mode: 0o600 });
      const when = new Date(Date.now() - ageMs);
      fs.utimesSync(file, when, when);
      return name;
    };
    // What configure itself leaves when killed: its temp file and its backup's.
    leave('config.json.0123456789abcdef', 5 * 60_000);
    leave('config.json.bak.fedcba9876543210', 61_000);
    const kept = [
      // A configure running now.
      leave('config.json.00112233445566ff', 1000),
      // Names configure never makes.
      leave('config.json.0123456789ABCDEF', 5 * 60_000),
      leave('config.json.bak.0123', 5 * 60_000),
      leave('config.json.orig', 5 * 60_000),
      leave('other.json.0123456789abcdef', 5 * 60_000),
    ];
    const everything = fs.readdirSync(dockerDir).sort();
    expect(await configure(['--registry', ECR, '--dry-run'], { HOME })).toMatchObject({ code: 0 });
    expect(fs.readdirSync(dockerDir).sort()).toEqual(everything);
    expect(await configure(['--registry', ECR], { HOME })).toMatchObject({ code: 0 });
    expect(fs.readdirSync(dockerDir).sort()).toEqual(['config.json', 'config.json.bak', ...kept].sort());
    // An "already configured" run cleans up too.
    leave('config.json.bak.0a0b0c0d0e0f0102', 2 * 60_000);
    expect(await configure(['--registry', ECR], { HOME })).toMatchObject({ code: 0, stdout: `${config}: already configured\n` });
    expect(fs.readdirSync(dockerDir).sort()).toEqual(['config.json', 'config.json.bak', ...kept].sort());
  });

  it('--creds-store over Docker Desktop’s store: refused in one line naming the logins, nothing written; --force replaces it', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    const original = fixture('docker-desktop-mac.json');
    fs.writeFileSync(config, original, { mode: 0o600 });
    const refused = await configure(['--creds-store'], { HOME });
    expect(refused).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-login: not replacing "credsStore": "desktop" (Docker Desktop's store) in ${config}: docker would then ask ecr-login for every registry, and the logins kept in Docker Desktop's store (111122223333.dkr.ecr.us-west-2.amazonaws.com, https://index.docker.io/v1/, ghcr.io) would vanish from docker; route ECR registries with --registry or --all-ecr instead (recommended), or add --force to replace it\n`,
    });
    expect(fs.readFileSync(config, 'utf8')).toBe(original);
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
    const forced = await configure(['--creds-store', '--force'], { HOME });
    expect(forced).toMatchObject({ code: 0, stderr: expect.stringContaining('credsStore was "desktop"') });
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toMatchObject({ credsStore: 'ecr-login' });
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    fs.writeFileSync(config, '{\n\t"auths": {},\n\t"credsStore": "desktop"\n}', { mode: 0o600 });
    const result = await configure(['--creds-store', '--force', '--registry', ECR, '--dry-run'], { HOME });
    expect(result).toMatchObject({
      code: 0,
      stdout: [
        `--- ${config}`,
        `+++ ${config}`,
        '@@ -1,4 +1,7 @@',
        ' {',
        ' \t"auths": {},',
        '-\t"credsStore": "desktop"',
        '+\t"credsStore": "ecr-login",',
        '+\t"credHelpers": {',
        `+\t\t"${ECR}": "ecr-login"`,
        '+\t}',
        ' }',
        '\\ No newline at end of file',
        'dry run: nothing written',
        '',
      ].join('\n'),
    });
    expect(result.stderr).toContain('credsStore was "desktop"');
    expect(fs.readFileSync(config, 'utf8')).toBe('{\n\t"auths": {},\n\t"credsStore": "desktop"\n}');
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
  });

  it('refuses a file it cannot parse: one line on stderr naming the file, line and column; nothing written', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    fs.writeFileSync(config, fixture('malformed.json'), { mode: 0o600 });
    const result = await configure(['--registry', ECR], { HOME });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-login: cannot parse ${config}: expected a key in double quotes, found "}" at line 4, column 1; fix the file (or move it away) and run configure again\n`,
    });
    expect(fs.readFileSync(config, 'utf8')).toBe(fixture('malformed.json'));
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
  });

  it('refuses a file that is not UTF-8, naming where, rather than write its bytes back changed', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    const original = Buffer.concat([Buffer.from('{\n\t"auths": {},\n\t"note": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]);
    fs.writeFileSync(config, original, { mode: 0o600 });
    const result = await configure(['--registry', ECR], { HOME });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-login: cannot parse ${config}: not UTF-8 text (a byte that is not UTF-8 at line 3, column 14); fix the file (or move it away) and run configure again\n`,
    });
    expect(fs.readFileSync(config).equals(original)).toBe(true);
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
  });

  it.each([
    [['--containers-auth', '--creds-store'], '--creds-store and --containers-auth do not go together'],
    [['--registry', '*.dkr.ecr.us-east-1.amazonaws.com'], 'docker matches credHelpers by exact host name'],
    [['--role-arn', 'arn:aws:iam::123456789012:role/x'], 'name it with --registry HOST'],
    [['--registry', ECR, '--role-arn', 'arn:aws:iam::123456789012:user/x'], 'is not an IAM role ARN'],
    [[], 'nothing to configure'],
  ])('usage errors exit 1 with one line and write nothing: %j', async (args, message) => {
    const { home: HOME } = home();
    const result = await configure(args, { HOME });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^ecr-login: [^\n]+\n$/);
    expect(result.stderr).toContain(message);
    // Only the log (~/.ecr/log) may have been written.
    expect(fs.readdirSync(HOME).filter((name) => name !== '.ecr')).toEqual([]);
    expect(fs.existsSync(path.join(HOME, '.ecr', 'config.json'))).toBe(false);
  });

  const PUBLIC_ALIAS =
    "is a public registry's host: an alias gets its ECR registry's token, which docker would then send with every pull from that registry; an alias must be a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run)";
  const PURPOSE =
    'this helper routes Amazon ECR registries (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), whose tokens come from AWS';
  it.each([
    // A public registry: what the helper is for, and no alias (it would hand the ECR token to that registry).
    [
      ['--registry', 'ghcr.io'],
      `--registry ghcr.io is not an Amazon ECR registry host: ${PURPOSE}; ghcr.io is a public registry: use docker login or its own credential helper for it`,
    ],
    [
      ['--registry', 'https://Docker.io/v2/'],
      `--registry https://Docker.io/v2/ is not an Amazon ECR registry host: ${PURPOSE}; docker.io is a public registry: use docker login or its own credential helper for it`,
    ],
    [
      ['--registry', 'quay.io', '--profile', 'prod'],
      `--registry quay.io is not an Amazon ECR registry host, so a profile or role for it would never be used: ${PURPOSE}; quay.io is a public registry: use docker login or its own credential helper for it`,
    ],
    // Another host may be the user's own name in front of ECR: an alias is offered, for that.
    [
      ['--registry', 'registry.example.com'],
      `--registry registry.example.com is not an Amazon ECR registry host: ${PURPOSE}; if registry.example.com is a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run), use --alias registry.example.com=<ECR host>`,
    ],
    [
      ['--registry', 'registry.example.com:5000', '--profile', 'prod'],
      `--registry registry.example.com:5000 is not an Amazon ECR registry host, so a profile or role for it would never be used: ${PURPOSE}; if registry.example.com:5000 is a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run), use --alias registry.example.com:5000=<ECR host> and give the profile or role to the ECR host`,
    ],
    [['--alias', `docker.io=${ECR}`], `--alias docker.io=${ECR}: docker.io ${PUBLIC_ALIAS}`],
    [['--alias', `ghcr.io=${ECR}`], `--alias ghcr.io=${ECR}: ghcr.io ${PUBLIC_ALIAS}`],
    [['--alias', `us-docker.pkg.dev:443=${ECR}`], `--alias us-docker.pkg.dev:443=${ECR}: us-docker.pkg.dev:443 ${PUBLIC_ALIAS}`],
    [['--registry', ECR, '--alias', `mcr.microsoft.com=${ECR}`], `--alias mcr.microsoft.com=${ECR}: mcr.microsoft.com ${PUBLIC_ALIAS}`],
  ])('a host that is not ECR: the exact line, nothing written: %j', async (args, line) => {
    const { home: HOME } = home();
    const result = await configure(args, { HOME });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `ecr-login: ${line}\n` });
    expect(fs.readdirSync(HOME).filter((name) => name !== '.ecr')).toEqual([]);
    expect(fs.existsSync(path.join(HOME, '.ecr', 'config.json'))).toBe(false);
  });

  describe('a symlinked config.json (dotfiles)', () => {
    (isWindows ? it.skip : it)('follows a link of ours: the file it leads to is replaced, the link stays', async () => {
      const { home: HOME, dockerDir, config } = home();
      const dotfiles = path.join(HOME, 'dotfiles');
      fs.mkdirSync(dotfiles, { mode: 0o700 });
      fs.mkdirSync(dockerDir, { mode: 0o700 });
      const target = path.join(dotfiles, 'docker-config.json');
      fs.writeFileSync(target, fixture('docker-desktop-mac.json'), { mode: 0o600 });
      fs.symlinkSync(target, config);
      const result = await configure(['--registry', ECR], { HOME });
      expect(result).toMatchObject({
        code: 0,
        stdout: `${config} (-> ${target}): updated (the previous version is in ${target}.bak)\n  credHelpers: added ${ECR}\n`,
      });
      expect(fs.lstatSync(config).isSymbolicLink()).toBe(true);
      expect(JSON.parse(fs.readFileSync(target, 'utf8')).credHelpers).toEqual({ [ECR]: 'ecr-login' });
      expect(fs.readFileSync(`${target}.bak`, 'utf8')).toBe(fixture('docker-desktop-mac.json'));
    });

    itAsRoot('never writes through a link owned by someone else', async () => {
      const { home: HOME, dockerDir, config } = home();
      fs.mkdirSync(dockerDir, { mode: 0o700 });
      const target = path.join(HOME, 'real.json');
      fs.writeFileSync(target, '{}', { mode: 0o600 });
      fs.symlinkSync(target, config);
      fs.lchownSync(config, 65534, 65534);
      const result = await configure(['--registry', ECR], { HOME });
      expect(result).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `ecr-login: not changing ${config}: it is a symbolic link owned by uid 65534, not by you (uid 0)\n`,
      });
      expect(fs.readFileSync(target, 'utf8')).toBe('{}');
    });
  });

  (isWindows ? it.skip : it)('refuses a directory it cannot write to, and leaves the file as it was', () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    fs.writeFileSync(config, '{}', { mode: 0o600 });
    // Root writes anywhere: run as nobody then, in a home of nobody's.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) for (const p of [HOME, dockerDir, config]) fs.chownSync(p, 65534, 65534);
    fs.chmodSync(dockerDir, 0o500);
    // A checkout may sit where nobody cannot read it (root's home is 0700): nobody runs a copy.
    const [file = process.execPath, ...prefix] = asRoot ? helperCommandForAnyUser() : HELPER_COMMAND;
    const run = runProgramSync(file, [...prefix, 'configure', '--registry', ECR], {
      env: { PATH: BARE_PATH, HOME },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: `ecr-login: cannot write ${config}: permission denied (EACCES)\n`,
    });
    fs.chmodSync(dockerDir, 0o700);
    expect(fs.readdirSync(dockerDir)).toEqual(['config.json']);
    expect(fs.readFileSync(config, 'utf8')).toBe('{}');
  });

  describe('--containers-auth', () => {
    it('edits $REGISTRY_AUTH_FILE (podman, skopeo, buildah), with --all-ecr finding the ECR logins there', async () => {
      const { home: HOME } = home();
      const authFile = path.join(makeTempDir(), 'auth.json');
      fs.writeFileSync(authFile, fixture('containers-auth.json'), { mode: 0o600 });
      const result = await configure(['--containers-auth', '--all-ecr'], { HOME, REGISTRY_AUTH_FILE: authFile });
      expect(result).toMatchObject({ code: 0 });
      expect(JSON.parse(fs.readFileSync(authFile, 'utf8'))).toEqual({
        ...JSON.parse(fixture('containers-auth.json')),
        credHelpers: { '666677778888.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login', 'public.ecr.aws': 'ecr-login' },
      });
    });

    (process.platform === 'linux' ? it : it.skip)('on Linux, else $XDG_RUNTIME_DIR/containers/auth.json', async () => {
      const { home: HOME } = home();
      const runtime = makeTempDir();
      const result = await configure(['--containers-auth', '--registry', ECR], { HOME, XDG_RUNTIME_DIR: runtime });
      expect(result).toMatchObject({
        code: 0,
        stdout: `${path.join(runtime, 'containers/auth.json')}: created\n  credHelpers: added ${ECR}\n`,
      });
    });
  });

  it('--registry with --profile/--role-arn and --alias: the settings file, and credHelpers for the hosts and the alias', async () => {
    const { home: HOME, config } = home();
    const settings = path.join(HOME, '.ecr', 'config.json');
    const args = [
      '--registry',
      ECR,
      '--registry',
      '*.dkr.ecr.eu-west-1.amazonaws.com',
      '--profile',
      'prod',
      '--role-arn',
      'arn:aws:iam::123456789012:role/puller',
    ];
    const result = await configure([...args, '--alias', `registry.example.com=${ECR}`], { HOME });
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(
      [
        `${settings}: created`,
        `  registries["${ECR}"].profile: prod`,
        `  registries["${ECR}"].roleArn: arn:aws:iam::123456789012:role/puller`,
        '  registries["*.dkr.ecr.eu-west-1.amazonaws.com"].profile: prod',
        '  registries["*.dkr.ecr.eu-west-1.amazonaws.com"].roleArn: arn:aws:iam::123456789012:role/puller',
        `  aliases["registry.example.com"]: ${ECR}`,
        `${config}: created`,
        `  credHelpers: added ${ECR}`,
        '  credHelpers: added registry.example.com',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(fs.readFileSync(settings, 'utf8'))).toEqual({
      registries: {
        [ECR]: { profile: 'prod', roleArn: 'arn:aws:iam::123456789012:role/puller' },
        '*.dkr.ecr.eu-west-1.amazonaws.com': { profile: 'prod', roleArn: 'arn:aws:iam::123456789012:role/puller' },
      },
      aliases: { 'registry.example.com': ECR },
    });
    if (!isWindows) expect(mode(settings)).toBe(0o600);
    const again = await configure([...args, '--alias', `registry.example.com=${ECR}`], { HOME });
    expect(again.stdout).toBe(`${settings}: already configured\n${config}: already configured\n`);
  });

  (isWindows ? it.skip : it)('refuses a settings file group or others can write, as the helper does, and leaves it as it was', async () => {
    const { home: HOME } = home();
    const settings = path.join(HOME, 'settings.json');
    fs.writeFileSync(settings, '{}\n');
    fs.chmodSync(settings, 0o664);
    const result = await configure(['--alias', `registry.example.com=${ECR}`], { HOME, AWS_ECR_CONFIG: settings });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-login: not changing ${settings}: ${settings} can be written by group or others (mode 0664; chmod go-w it)\n`,
    });
    expect(fs.readFileSync(settings, 'utf8')).toBe('{}\n');
    expect(fs.existsSync(path.join(HOME, '.docker'))).toBe(false);
  });

  it("refuses to write a settings file the helper's reader would refuse, naming the field", async () => {
    const { home: HOME } = home();
    const settings = path.join(HOME, 'settings.json');
    const original =
      '{\n  "registries": {\n    "*.dkr.ecr.us-east-1.amazonaws.com": { "rolearn": "arn:aws:iam::123456789012:role/x" }\n  }\n}\n';
    fs.writeFileSync(settings, original, { mode: 0o600 });
    const result = await configure(['--alias', `registry.example.com=${ECR}`], { HOME, AWS_ECR_CONFIG: settings });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^ecr-login: [^\n]+\n$/);
    expect(result.stderr).toContain(
      `invalid settings file ${settings}: registries["*.dkr.ecr.us-east-1.amazonaws.com"].rolearn is not a known field`,
    );
    expect(fs.readFileSync(settings, 'utf8')).toBe(original);
    expect(fs.existsSync(path.join(HOME, '.docker'))).toBe(false);
  });

  it('concurrent runs take turns: every one exits 0 and every change is in the file (none lost, none told to run again)', async () => {
    const { home: HOME, dockerDir, config } = home();
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    fs.writeFileSync(config, '{\n\t"auths": {}\n}\n', { mode: 0o600 });
    const hosts = Array.from({ length: 6 }, (_, i) => `12345678901${i}.dkr.ecr.us-east-1.amazonaws.com`);
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(
        hosts.map((host, i) => configure(['--registry', host, '--alias', `r${round}-${i}.example.com=${host}`], { HOME })),
      );
      for (const result of results) expect(result).toMatchObject({ code: 0, stderr: NOT_ON_PATH });
    }
    const written = JSON.parse(fs.readFileSync(config, 'utf8')) as { credHelpers: Record<string, string> };
    expect(Object.keys(written.credHelpers).sort()).toEqual(
      [...hosts, ...[0, 1].flatMap((round) => hosts.map((_, i) => `r${round}-${i}.example.com`))].sort(),
    );
    const settings = JSON.parse(fs.readFileSync(path.join(HOME, '.ecr', 'config.json'), 'utf8')) as { aliases: object };
    expect(Object.keys(settings.aliases)).toHaveLength(12);
  });

  it('--config names the file to edit', async () => {
    const { home: HOME } = home();
    const file = path.join(makeTempDir(), 'other.json');
    const result = await configure(['--registry', ECR, '--config', file], { HOME });
    expect(result).toMatchObject({ code: 0, stdout: `${file}: created\n  credHelpers: added ${ECR}\n` });
    expect(fs.existsSync(path.join(HOME, '.docker'))).toBe(false);
  });

  it("the helper's --help ends with where to read more: the README above bin/ (npm package) or dist/ (the executable)", async () => {
    const result = await runHelper(['--help'], '', { HOME: makeTempDir(), PATH: BARE_PATH });
    expect(result.code).toBe(0);
    const more = /^Each command has its own --help\. More: (.+)$/m.exec(result.stdout)?.[1];
    expect(more).toBe(path.resolve(__dirname, '../../README.md'));
  });

  (isWindows ? it.skip : it)("a README above the program that is not this project's is not named", async () => {
    const root = makeTempDir();
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(path.join(root, 'README.md'), '# my dotfiles\n');
    const HOME = makeTempDir();
    const elsewhere = 'More: README.md beside the executable (release archive), in the npm package, or in the project repository\n';
    if (RUNTIME === 'exe') {
      const copy = path.join(root, 'bin', 'docker-credential-ecr-login');
      fs.copyFileSync(HELPER_COMMAND[0] ?? '', copy);
      fs.chmodSync(copy, 0o755);
      const run = runProgramSync(copy, ['--help'], { env: { HOME, PATH: BARE_PATH } });
      // Never the build's README (Bun fixes __dirname at build time), never the one above the copy.
      expect(run.stdout).toContain(elsewhere);
      expect(run.stdout).not.toContain(path.resolve(__dirname, '../..'));
    } else {
      // The bundle in a dist/ of its own, below that README.
      const dist = path.join(root, 'dist');
      fs.cpSync(path.resolve(__dirname, '../../dist'), dist, { recursive: true, filter: (src) => !src.includes(`${path.sep}dev`) });
      const run = runProgramSync(process.execPath, [path.join(dist, 'docker-credential-ecr-login.js'), '--help'], {
        env: { HOME, PATH: BARE_PATH },
      });
      expect(run.stdout).toContain(elsewhere);
    }
  });

  it('has its own --help', async () => {
    const result = await configure(['--help'], { HOME: makeTempDir() });
    expect(result.code).toBe(0);
    for (const option of [
      '--registry <host>',
      '--all-ecr',
      '--creds-store',
      '--containers-auth',
      '--profile <name>',
      '--role-arn <arn>',
      '--alias <alias=host>',
      '--dry-run',
      '--config <path>',
      '--remove',
      '--all',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });
});
