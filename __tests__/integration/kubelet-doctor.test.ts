import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult } from '../../src/cli/doctor/check-result';
import { quoteShellWord } from '../../src/cli/doctor/checks/kubelet-exec';
import { useEmulator } from '../helpers/emulator-fixture';
import { describeOnUnix } from '../helpers/platform';
import { PROVIDER_COMMAND, runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * `doctor --kubelet IMAGE` as an operator runs it on a node: the built helper reads a
 * CredentialProviderConfig and a bin dir of the test's own, picks the providers kubelet would,
 * and runs them as kubelet does — here our own provider against the emulator, and shell
 * scripts standing in for broken ones.
 */

const HOST = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const emulator = useEmulator();

/** A node of the test's own: a bin dir with `programs` (name -> shell script body), a HOME. */
function makeNode(programs: Record<string, string>): { home: string; binDir: string } {
  const home = makeTempDir();
  const binDir = path.join(home, 'bin');
  fs.mkdirSync(binDir);
  for (const [name, body] of Object.entries(programs)) {
    fs.writeFileSync(path.join(binDir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return { home, binDir };
}

/** Our provider under the name kubelet runs: a script that execs the built one with kubelet's arguments. */
const OUR_PROVIDER = `exec ${PROVIDER_COMMAND.map(quoteShellWord).join(' ')} "$@"`;

/** The config `kubelet-config` prints (JSON, as EKS keeps it), with `args` for the AWS side, written into the node. */
async function writeConfig(home: string, args: string[]): Promise<string> {
  const out = await runHelper(['kubelet-config', '--format', 'json', ...args], '', { HOME: home });
  expect(out).toMatchObject({ code: 0, stderr: '' });
  const file = path.join(home, 'config.json');
  fs.writeFileSync(file, out.stdout);
  return file;
}

async function doctorKubelet(image: string, config: string, binDir: string, home: string) {
  const out = await runHelper(['doctor', '--kubelet', image, '--config', config, '--bin-dir', binDir, '--json'], '', { HOME: home });
  let report: { image: string; checks: CheckResult[]; ok: boolean };
  try {
    report = JSON.parse(out.stdout);
  } catch {
    throw new Error(`doctor printed no JSON (exit ${out.code}):\n${out.stdout}\n${out.stderr}`);
  }
  const check = (name: string): CheckResult => {
    const found = report.checks.find((c) => c.name === name);
    if (!found) throw new Error(`no check ${name} in ${out.stdout}`);
    return found;
  };
  return { ...out, report, check };
}

describeOnUnix('doctor --kubelet', 'the providers are shell scripts', () => {
  it('a matching image: our provider, run with the env entries of the config against the emulator, answers; the password stays hidden', async () => {
    const { home, binDir } = makeNode({ 'ecr-credential-provider': OUR_PROVIDER });
    // The AWS side reaches the provider only through the config's env entries, as on a node.
    const awsEnv = Object.entries(emulator.env()).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
    const config = await writeConfig(home, awsEnv);
    const out = await doctorKubelet(`${HOST}/team/app:1.0`, config, binDir, home);
    expect(out.code).toBe(0);
    expect(out.report.checks.map((c) => [c.name, c.status])).toEqual([
      ['kubelet-config', 'OK'],
      ['kubelet-match', 'OK'],
      ['kubelet-binary', 'OK'],
      ['kubelet-exec', 'OK'],
    ]);
    expect(out.check('kubelet-match').detail).toBe(
      `${HOST}/team/app:1.0 is looked up as ${HOST}/team/app: kubelet runs\n  ecr-credential-provider (matchImages "*.dkr.ecr.*.amazonaws.com")`,
    );
    const password = emulator.issued[0]?.password ?? 'no token was issued';
    const escaped = HOST.replace(/\./g, '\\.');
    expect(out.check('kubelet-exec').detail).toMatch(
      new RegExp(
        `^ecr-credential-provider: ${escaped}: username "AWS", password hidden \\(${password.length} characters\\) \\(cacheKeyType Registry, cacheDuration (6h0m0s|5h59m5\\ds)\\)$`,
      ),
    );
    // The request reached ECR: the image's registry, signed with the config's credentials.
    expect(emulator.calls.filter((c) => c.service === 'ecr')).toHaveLength(1);
    expect(out.stdout).not.toContain(password.slice(0, 40));
    expect(out.stderr).not.toContain(password.slice(0, 40));
  });

  it('an image no provider matches: FAIL naming no provider, and why for each pattern; nothing is run', async () => {
    const { home, binDir } = makeNode({ 'ecr-credential-provider': 'echo ran >"$HOME/ran"; exit 1' });
    const config = await writeConfig(home, []);
    const out = await doctorKubelet('registry.example.com:5000/app:1', config, binDir, home);
    expect(out.code).toBe(1);
    const match = out.check('kubelet-match');
    expect(match.status).toBe('FAIL');
    expect(match.detail.split('\n').slice(0, 3)).toEqual([
      "registry.example.com:5000/app:1 is looked up as registry.example.com:5000/app: no provider's matchImages matches it, so kubelet pulls it without credentials",
      '  ecr-credential-provider:',
      '    "*.dkr.ecr.*.amazonaws.com": port (none) in the pattern, 5000 in the image',
    ]);
    expect(match.fix).toContain('"registry.example.com:5000"');
    expect(out.check('kubelet-exec')).toMatchObject({
      status: 'SKIP',
      detail: 'kubelet runs no provider for this image (see kubelet-match)',
    });
    expect(fs.existsSync(path.join(home, 'ran'))).toBe(false);
  });

  it('a missing binary: FAIL (kubelet does not start), and the run is skipped', async () => {
    const { home, binDir } = makeNode({});
    const config = await writeConfig(home, []);
    const out = await doctorKubelet(`${HOST}/app`, config, binDir, home);
    expect(out.code).toBe(1);
    expect(out.check('kubelet-binary')).toMatchObject({
      status: 'FAIL',
      detail: `kubelet does not start with this config:\n  ecr-credential-provider: plugin binary executable ${path.join(binDir, 'ecr-credential-provider')} did not exist`,
    });
    expect(out.check('kubelet-exec')).toMatchObject({ status: 'SKIP', detail: 'no program to run (see kubelet-binary)' });
    expect(out.stderr).toBe('ecr-login: doctor: 1 check failed (kubelet-binary)\n');
  });

  it('a provider that fails: FAIL with its error line, its exit status, and how to run it by hand', async () => {
    const { home, binDir } = makeNode({
      // Shell builtins only: the test's PATH holds node alone.
      'ecr-credential-provider':
        'IFS= read -r request; printf "%s\\n" "$request" >"$HOME/request"; echo "$*" >"$HOME/args"; echo "no EC2 instance role: $MY_SETTING" >&2; exit 1',
    });
    const config = await writeConfig(home, ['--env', 'MY_SETTING=from the config']);
    const out = await doctorKubelet(`${HOST}/team/app@sha256:${'a'.repeat(64)}`, config, binDir, home);
    expect(out.code).toBe(1);
    const run = out.check('kubelet-exec');
    expect(run).toMatchObject({ status: 'FAIL', detail: 'ecr-credential-provider: exit status 1: no EC2 instance role: from the config' });
    const request = `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"${HOST}/team/app"}`;
    expect(run.fix).toContain(`printf '%s\\n' '${request}' | '${path.join(binDir, 'ecr-credential-provider')}' 'get-credentials'`);
    // What kubelet sends: the request on stdin, the config's args.
    expect(fs.readFileSync(path.join(home, 'request'), 'utf8')).toBe(`${request}\n`);
    expect(fs.readFileSync(path.join(home, 'args'), 'utf8')).toBe('get-credentials\n');
  });

  it('several providers match: kubelet runs each, and doctor reports each (an answer kubelet cannot use is a FAIL)', async () => {
    const answer = (key: string) =>
      `echo '${JSON.stringify({ kind: 'CredentialProviderResponse', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', cacheKeyType: 'Image', auth: { [key]: { username: 'u', password: 'pw-1234' } } })}'`;
    const { home, binDir } = makeNode({ good: answer(HOST), 'wrong-key': answer(`${HOST}:443`), other: 'exit 1' });
    const provider = (name: string, matchImages: string[]) => ({
      name,
      matchImages,
      defaultCacheDuration: '1m',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    });
    const config = path.join(home, 'config.json');
    const providers = [
      provider('good', ['*.dkr.ecr.*.amazonaws.com']),
      provider('wrong-key', [`${HOST}/team`]),
      provider('other', ['gcr.io']),
    ];
    fs.writeFileSync(config, JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers }));
    const out = await doctorKubelet(`${HOST}/team/app`, config, binDir, home);
    expect(out.check('kubelet-match').detail).toBe(
      `${HOST}/team/app: kubelet runs each of\n  good (matchImages "*.dkr.ecr.*.amazonaws.com")\n  wrong-key (matchImages "${HOST}/team")`,
    );
    expect(out.check('kubelet-exec')).toMatchObject({
      status: 'FAIL',
      detail: [
        `good: ${HOST}: username "u", password hidden (7 characters) (cacheKeyType Image, cacheDuration (default))`,
        `wrong-key: answered credentials for "${HOST}:443" only, which kubelet does not use for ${HOST}/team/app (cacheKeyType Image, cacheDuration (default))`,
      ].join('\n'),
    });
    expect(out.stdout).not.toContain('pw-1234');
  });

  it("a YAML config kubelet refuses (a misspelt field): FAIL with kubelet's reason; the text report names the image", async () => {
    const { home, binDir } = makeNode({ 'ecr-credential-provider': 'exit 0' });
    const out = await runHelper(['kubelet-config'], '', { HOME: home });
    const config = path.join(home, 'config.yaml');
    fs.writeFileSync(config, out.stdout.replace('    matchImages:', '    matchImage:'));
    const text = await runHelper(['doctor', '--kubelet', `${HOST}/app`, '--config', config, '--bin-dir', binDir], '', { HOME: home });
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n').slice(0, 5)).toEqual([
      `docker-credential-ecr-login doctor --kubelet ${HOST}/app`,
      '',
      `  FAIL  kubelet config      ${config}: kubelet refuses it:`,
      '                              strict decoding error: "providers[0].matchImage" is not a known field (known: name, matchImages, defaultCacheDuration, apiVersion, args, env, tokenAttributes)',
      '                            fix: fix the file: kubelet does not start with it (`docker-credential-ecr-login kubelet-config` prints one it accepts)',
    ]);
  });

  it.each([
    [['doctor', '--config', 'x.json'], 'ecr-login: doctor: --config and --bin-dir go with --kubelet IMAGE\n'],
    [
      ['doctor', HOST, '--kubelet', `${HOST}/app`],
      'ecr-login: doctor --kubelet IMAGE checks the image kubelet pulls: give no registry or --registry-url with it\n',
    ],
    [['doctor', '--kubelet', ' '], 'ecr-login: doctor --kubelet: the image is empty\n'],
  ])('%j is a usage error', async (args, stderr) => {
    expect(await runHelper(args, '', { HOME: makeTempDir() })).toMatchObject({ code: 1, stdout: '', stderr });
  });
});
