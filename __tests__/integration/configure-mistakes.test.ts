import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describeOnLinux } from '../helpers/platform';
import { dirWithHelper, runHelper } from '../helpers/run-helper';
import { describeWithSecretService, useSharedTestSession } from '../helpers/secret-service';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * `configure` catching mistakes before they bite (issue 21.4), run as the built helper with a
 * temp HOME: a profile no AWS file defines, --creds-store without a keychain, --remove, and a
 * mistyped command or option.
 */

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const USAGE =
  'Usage: docker-credential-ecr-login <get|store|erase|list|version> | get-credentials | get-login-password [HOST] | kubelet-config | configure | doctor [options]';

/** A HOME of the test's and a PATH with this helper on it (so configure has nothing to say about PATH). */
function world(extra: Record<string, string> = {}) {
  const home = makeTempDir();
  const config = path.join(home, '.docker', 'config.json');
  const settings = path.join(home, '.ecr', 'config.json');
  return { home, config, settings, env: { HOME: home, PATH: testPath(dirWithHelper()), ...extra } };
}

const configure = (args: readonly string[], env: Record<string, string>) => runHelper(['configure', ...args], '', env);

describe('configure --profile: a profile no AWS file defines', () => {
  it('warns in one line naming the files read, and still writes', async () => {
    const { home, settings, env } = world();
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(path.join(home, '.aws', 'config'), '[profile dev]\nregion = us-east-1\n');
    const result = await configure(['--registry', ECR, '--profile', 'devv'], env);
    expect(result).toMatchObject({
      code: 0,
      stderr: `ecr-login: profile devv is defined in neither AWS file read, ${path.join(home, '.aws', 'config')} nor ${path.join(home, '.aws', 'credentials')}: the registry's token requests will fail until it is; check the name, or define it (aws configure --profile devv)\n`,
    });
    expect(JSON.parse(fs.readFileSync(settings, 'utf8'))).toEqual({ registries: { [ECR]: { profile: 'devv' } } });
    // Defined: not a word.
    expect(await configure(['--registry', ECR, '--profile', 'dev'], env)).toMatchObject({ code: 0, stderr: '' });
  });

  it('reads the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name', async () => {
    const dir = makeTempDir();
    const credentials = path.join(dir, 'creds');
    fs.writeFileSync(credentials, '[robot]\naws_access_key_id = AKIAEXAMPLE\n');
    const { env } = world({ AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: credentials });
    expect(await configure(['--registry', ECR, '--profile', 'robot'], env)).toMatchObject({ code: 0, stderr: '' });
    const warned = await configure(['--registry', ECR, '--profile', 'default', '--dry-run'], env);
    expect(warned.stderr).toContain(`profile default is defined in neither AWS file read, ${path.join(dir, 'none')} nor ${credentials}:`);
  });
});

describeOnLinux('configure --creds-store where no keychain answers', 'the Secret Service is the Linux keychain', () => {
  const REFUSED =
    /^ecr-login: not setting "credsStore": no OS keychain answers here \([^\n]+\), and with credsStore docker asks ecr-login for every registry, so docker login to a registry that is not ECR would fail; route the ECR registries one by one instead \(credHelpers\): configure --registry HOST \(repeatable\) or --all-ecr; or add --force to set credsStore all the same\n$/;

  it('no D-Bus session: refused in one line with the reason and the alternative, nothing written; --force sets it', async () => {
    const { home, config, env } = world({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(makeTempDir(), 'no-bus')}` });
    for (const extra of [[], ['--dry-run']]) {
      const refused = await configure(['--creds-store', ...extra], env);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toMatch(REFUSED);
    }
    expect(fs.readdirSync(home).filter((name) => name !== '.ecr')).toEqual([]);
    expect(await configure(['--creds-store', '--force'], env)).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toEqual({ credsStore: 'ecr-login' });
    // Already set: nothing to change, nothing to ask the keychain.
    expect(await configure(['--creds-store'], env)).toMatchObject({ code: 0, stdout: `${config}: already configured\n` });
  });

  it('a bus that never answers: refused within the probe deadline, not the command deadline', async () => {
    const dir = makeTempDir();
    const socket = path.join(dir, 'bus');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    try {
      const { env } = world({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`, AWS_ECR_COMMAND_TIMEOUT: '16' });
      const refused = await configure(['--creds-store'], env);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toMatch(REFUSED);
      // The probe's budget: an eighth of the command's 16 s.
      expect(refused.ms).toBeLessThan(8000);
    } finally {
      silent.close();
    }
  });
});

describeWithSecretService('configure --creds-store with a keychain that answers', () => {
  const { session, it } = useSharedTestSession();

  it('sets credsStore', async () => {
    const { config, env } = world(session.env);
    expect(await configure(['--creds-store'], env)).toMatchObject({
      code: 0,
      stdout: `${config}: created\n  credsStore: set to ecr-login\n`,
      stderr: '',
    });
  });
});

describe('configure --remove', () => {
  /** A docker config with another helper's entry and a login, and configure's own entries added to it. */
  async function configured() {
    const w = world();
    fs.mkdirSync(path.dirname(w.config), { mode: 0o700 });
    fs.writeFileSync(w.config, '{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t}\n}\n', {
      mode: 0o600,
    });
    const args = ['--registry', ECR, '--role-arn', 'arn:aws:iam::123456789012:role/puller', '--alias', `r.example.com=${ECR}`];
    expect(await configure(args, w.env)).toMatchObject({ code: 0, stderr: '' });
    return w;
  }

  it('--registry: its credHelpers and settings entries, each file backed up; --dry-run shows the diff first', async () => {
    const { config, settings, env } = await configured();
    const before = { config: fs.readFileSync(config, 'utf8'), settings: fs.readFileSync(settings, 'utf8') };
    const dry = await configure(['--remove', '--registry', `https://${ECR}/v2/`, '--dry-run'], env);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toBe(
      [
        `--- ${settings}`,
        `+++ ${settings}`,
        '@@ -1,9 +1,4 @@',
        ' {',
        '-\t"registries": {',
        `-\t\t"${ECR}": {`,
        '-\t\t\t"roleArn": "arn:aws:iam::123456789012:role/puller"',
        '-\t\t}',
        '-\t},',
        '\t"aliases": {',
        `\t\t"r.example.com": "${ECR}"`,
        '\t}',
        `--- ${config}`,
        `+++ ${config}`,
        '@@ -4,7 +4,6 @@',
        '\t},',
        '\t"credHelpers": {',
        '\t\t"gcr.io": "gcloud",',
        `-\t\t"${ECR}": "ecr-login",`,
        '\t\t"r.example.com": "ecr-login"',
        '\t}',
        ' }',
        'dry run: nothing written',
        '',
      ]
        .map((line) => line.replace(/^\t/, ' \t'))
        .join('\n'),
    );
    expect(fs.readFileSync(config, 'utf8')).toBe(before.config);
    expect(fs.readFileSync(settings, 'utf8')).toBe(before.settings);

    const removed = await configure(['--remove', '--registry', ECR], env);
    expect(removed).toMatchObject({
      code: 0,
      stderr: '',
      stdout: [
        `${settings}: updated (the previous version is in ${settings}.bak)`,
        `  registries["${ECR}"]: removed`,
        `${config}: updated (the previous version is in ${config}.bak)`,
        `  credHelpers: removed ${ECR}`,
        '',
      ].join('\n'),
    });
    expect(fs.readFileSync(`${config}.bak`, 'utf8')).toBe(before.config);
    expect(fs.readFileSync(`${settings}.bak`, 'utf8')).toBe(before.settings);
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toEqual({
      auths: { 'ghcr.io': {} },
      credHelpers: { 'gcr.io': 'gcloud', 'r.example.com': 'ecr-login' },
    });
    expect(JSON.parse(fs.readFileSync(settings, 'utf8'))).toEqual({ aliases: { 'r.example.com': ECR } });
  });

  it("never another helper's entry: named, it stays, with a warning", async () => {
    const { config, settings, env } = await configured();
    const before = fs.readFileSync(config, 'utf8');
    const result = await configure(['--remove', '--registry', 'gcr.io'], env);
    expect(result).toMatchObject({
      code: 0,
      stdout: `${settings}: nothing to remove\n${config}: nothing to remove\n`,
      stderr: `ecr-login: left credHelpers["gcr.io"] in ${config}: it names "gcloud", not ecr-login\n`,
    });
    expect(fs.readFileSync(config, 'utf8')).toBe(before);
  });

  it.each([
    ['--remove --registry', ['--remove', '--registry', ECR], 'desktop', 'ecr-login'],
    ['--remove --all', ['--remove', '--all'], 'desktop', 'ecr-login'],
    ['--registry (adding)', ['--registry', ECR], 'ecr-login', 'desktop'],
  ])('%s with a credHelpers key written twice: refused in one line, the file as it was', async (_what, args, first, last) => {
    const { config, env } = world();
    fs.mkdirSync(path.dirname(config), { mode: 0o700 });
    const text = `{"credHelpers":{"${ECR}":"${first}","${ECR}":"${last}"}}`;
    fs.writeFileSync(config, text, { mode: 0o600 });
    expect(await configure(args, env)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-login: ${config}: "credHelpers" has "${ECR}" twice (docker reads the last): keep one, then run configure again\n`,
    });
    expect(fs.readFileSync(config, 'utf8')).toBe(text);
    expect(fs.existsSync(`${config}.bak`)).toBe(false);
  });

  it('--alias NAME, then --all: everything configure wrote, and credsStore naming this helper; a second run has nothing to remove', async () => {
    const { config, settings, env } = await configured();
    expect(await configure(['--remove', '--alias', 'r.example.com'], env)).toMatchObject({
      code: 0,
      stdout: `${settings}: updated (the previous version is in ${settings}.bak)\n  aliases["r.example.com"]: removed\n${config}: updated (the previous version is in ${config}.bak)\n  credHelpers: removed r.example.com\n`,
    });
    expect(await configure(['--creds-store', '--force'], env)).toMatchObject({ code: 0 });
    const all = await configure(['--remove', '--all'], env);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout).toContain(
      `  credHelpers: removed ${ECR}\n  credsStore: removed (was ecr-login; docker keeps logins in the auths entries again)\n`,
    );
    expect(all.stdout).toContain(`  registries["${ECR}"]: removed\n`);
    expect(fs.readFileSync(config, 'utf8')).toBe(
      '{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"credHelpers": {\n\t\t"gcr.io": "gcloud"\n\t}\n}\n',
    );
    expect(fs.readFileSync(settings, 'utf8')).toBe('{}\n');
    expect(await configure(['--remove', '--all'], env)).toMatchObject({
      code: 0,
      stdout: `${settings}: nothing to remove\n${config}: nothing to remove\n`,
    });
  });

  it.each([
    [['--remove'], 'nothing to remove: name what with --registry HOST or --alias NAME'],
    [['--remove', '--all', '--registry', ECR], '--remove --all takes out every entry of this helper'],
    [['--remove', '--registry', ECR, '--profile', 'dev'], '--remove does not go with --profile'],
    [['--all'], '--all goes with --remove (configure --remove --all)'],
  ])('%j: one line, exit 1, nothing written', async (args, message) => {
    const { home, env } = world();
    const result = await configure(args, env);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^ecr-login: [^\n]+\n$/);
    expect(result.stderr).toContain(message);
    expect(fs.readdirSync(home).filter((name) => name !== '.ecr')).toEqual([]);
  });
});

describe('a mistyped command or option', () => {
  it('a verb: the protocol answer on stdout as before, exit 1, and the suggestion on stderr', async () => {
    const { env } = world();
    expect(await runHelper(['gett'], '', env)).toMatchObject({
      code: 1,
      stdout: `unknown command 'gett'\n${USAGE}\n`,
      stderr: "ecr-login: unknown command 'gett': did you mean get?\n",
    });
  });

  it('an option of configure: one line naming what was meant, nothing written', async () => {
    const { home, env } = world();
    expect(await configure(['--regsitry', ECR], env)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: "ecr-login: unknown option '--regsitry': did you mean --registry?\n",
    });
    expect(fs.readdirSync(home).filter((name) => name !== '.ecr')).toEqual([]);
  });
});
