import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import type { CheckResult } from '../../src/cli/doctor/check-result';
import { startConnectProxy } from '../helpers/connect-proxy';
import { useEmulator } from '../helpers/emulator-fixture';
import { eachWithPrograms, findProgram, isWindows, itOnUnix } from '../helpers/platform';
import { recordProgramRun } from '../helpers/program-runs';
import { dirWithHelper, HELPER_BIN, HELPER_COMMAND, RUNTIME, runHelper } from '../helpers/run-helper';
import { describeWithSecretService, startTestSession, type TestSession } from '../helpers/secret-service';
import { startSilentServer } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * `doctor` as a user runs it: the built helper against the emulator (STS, ECR and a registry's
 * GET /v2/), in a private HOME, with every branch of every check — OK, FAIL and SKIP.
 */

const HOST = '111122223333.dkr.ecr.us-east-1.amazonaws.com';
const emulator = useEmulator();

interface Report {
  host: string | null;
  checks: CheckResult[];
  ok: boolean;
}

/** A HOME whose docker config routes HOST to the helper (or holds `dockerConfig`; null: no docker config). */
function makeHome(dockerConfig: unknown = { credHelpers: { [HOST]: 'ecr-login' } }): string {
  const home = makeTempDir();
  if (dockerConfig !== null) {
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      path.join(home, '.docker', 'config.json'),
      typeof dockerConfig === 'string' ? dockerConfig : JSON.stringify(dockerConfig),
    );
  }
  return home;
}

/** A PATH of the test's own with the helper on it under the name docker runs. */
function pathWithHelper(): string {
  return testPath(dirWithHelper());
}

async function doctor(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; report: Report; stderr: string; ms: number }> {
  const out = await runHelper(['doctor', ...args, '--json'], '', env);
  let report: Report;
  try {
    report = JSON.parse(out.stdout) as Report;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${out.code}):\n${out.stdout}\n${out.stderr}`);
  }
  return { code: out.code, report, stderr: out.stderr, ms: out.ms };
}

function check(report: Report, name: string): CheckResult {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(report)}`);
  return found;
}

const statuses = (report: Report): Record<string, string> => Object.fromEntries(report.checks.map((c) => [c.name, c.status]));

describe('doctor HOST', () => {
  it('everything in order: every check OK but the keychain (not needed), exit 0, the registry accepted the token it refused without', async () => {
    const home = makeHome();
    const { code, report, stderr } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: home,
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(report.checks.map((c) => c.name)).toEqual([
      'helper-on-path',
      'docker-config',
      'containers-auth',
      'settings',
      'aws-credentials',
      'sts-identity',
      'ecr-token',
      'registry',
      'cache',
      'keychain',
      'proxy',
    ]);
    expect(statuses(report)).toMatchObject({
      'helper-on-path': 'OK',
      'docker-config': 'OK',
      'containers-auth': 'OK',
      settings: 'SKIP',
      'aws-credentials': 'OK',
      'sts-identity': 'OK',
      'ecr-token': 'OK',
      registry: 'OK',
      cache: 'OK',
      proxy: 'OK',
    });
    // A .cmd (the Node entry on Windows) is not asked its version: it needs a shell.
    if (!(isWindows && RUNTIME === 'node')) {
      expect(check(report, 'helper-on-path').detail).toMatch(/docker-credential-ecr-login(\.exe)? \(\d+\.\d+\.\d+\S*, this version\)$/);
    }
    expect(check(report, 'aws-credentials').detail).toBe(
      'from environment variables (AWS_ACCESS_KEY_ID); access key id …WED1; retries: up to 3 attempts (default), standard mode (default)',
    );
    expect(check(report, 'sts-identity').detail).toContain(TEST_CREDENTIALS.allowed.principalArn);
    // The endpoints the calls actually went to: here the configured ones.
    expect(check(report, 'sts-identity').detail).toContain(`, STS in us-east-1 at ${emulator.url})`);
    expect(check(report, 'ecr-token').detail).toMatch(
      new RegExp(`^ecr:GetAuthorizationToken in us-east-1 gave a token from ${emulator.url.replace(/\./g, '\\.')}, valid until `),
    );
    expect(check(report, 'registry').detail).toBe(`GET ${emulator.url}/v2/: 401 without credentials, 200 with the token`);
    expect(emulator.calls.filter((c) => c.service === 'registry').map((c) => c.status)).toEqual([401, 200]);
    // No secret in the report: not the secret key, not the whole access key id, not the token.
    const text = JSON.stringify(report);
    expect(text).not.toContain(TEST_CREDENTIALS.allowed.secretAccessKey);
    expect(text).not.toContain(TEST_CREDENTIALS.allowed.accessKeyId);
    expect(text).not.toContain(emulator.issued[0]?.password ?? 'never');
    // Doctor writes nothing: no token cached.
    expect(check(report, 'cache').detail).toContain(`no cached token for ${HOST}`);
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
  });

  it('denied keys: ecr-token FAIL with the IAM policy to add, as JSON, for that principal; the registry check is skipped; exit 1', async () => {
    const { code, report, stderr } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(TEST_CREDENTIALS.denied),
    });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(stderr).toBe('ecr-login: doctor: 1 check failed (ecr-token)\n');
    const ecr = check(report, 'ecr-token');
    expect(ecr.status).toBe('FAIL');
    expect(ecr.detail).toBe(
      `access denied for ${HOST}: ${TEST_CREDENTIALS.denied.principalArn} is not allowed to call ecr:GetAuthorizationToken; grant it in an IAM policy (resource "*") or use another profile`,
    );
    const fix = ecr.fix ?? '';
    expect(fix.split('\n')[0]).toBe(
      `allow ${TEST_CREDENTIALS.denied.principalArn} to get tokens and pull, with this IAM policy (ecr-pull.json):`,
    );
    const policy = JSON.parse(fix.slice(fix.indexOf('{'), fix.lastIndexOf('}') + 1));
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          Resource: 'arn:aws:ecr:us-east-1:111122223333:repository/*',
        },
      ],
    });
    expect(fix).toContain('aws iam put-user-policy --user-name no-ecr-user --policy-name ecr-pull --policy-document file://ecr-pull.json');
    expect(check(report, 'sts-identity')).toMatchObject({ status: 'OK' });
    expect(check(report, 'registry')).toEqual({
      name: 'registry',
      status: 'SKIP',
      detail: 'no ECR token to try (see ecr-token)',
      fix: null,
    });
  });

  it('no AWS credentials: aws-credentials FAIL with what to set, STS and ECR skipped', async () => {
    const home = makeHome();
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: home,
      PATH: pathWithHelper(),
      AWS_ENDPOINT_URL_ECR: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(code).toBe(1);
    const credentials = check(report, 'aws-credentials');
    expect(credentials.status).toBe('FAIL');
    expect(credentials.detail).toMatch(/^no AWS credentials found/);
    expect(credentials.fix).toContain('AWS_PROFILE');
    expect(statuses(report)).toMatchObject({ 'sts-identity': 'SKIP', 'ecr-token': 'SKIP', registry: 'SKIP' });
    expect(check(report, 'sts-identity').detail).toBe('no AWS credentials (see aws-credentials)');
    expect(emulator.calls.filter((c) => c.service !== 'imds')).toEqual([]);
  });

  it('silent STS and ECR endpoints: both FAIL within the deadline, naming the endpoint and what to check', async () => {
    const silent = await startSilentServer();
    try {
      const { code, report, ms } = await doctor([HOST, '--registry-url', emulator.url], {
        HOME: makeHome(),
        PATH: pathWithHelper(),
        ...emulator.env(),
        AWS_ENDPOINT_URL_ECR: silent.url,
        AWS_ENDPOINT_URL_STS: silent.url,
        // A quarter of the command's 8 s for each network check: 2 s.
        AWS_ECR_COMMAND_TIMEOUT: '8',
      });
      expect(code).toBe(1);
      expect(check(report, 'sts-identity')).toEqual({
        name: 'sts-identity',
        status: 'FAIL',
        detail: `AWS STS (${silent.url}) did not answer within 2 s`,
        fix: 'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_STS',
      });
      expect(check(report, 'ecr-token')).toMatchObject({ status: 'FAIL', detail: `the ECR API (${silent.url}) did not answer within 2 s` });
      expect(check(report, 'registry').status).toBe('SKIP');
      expect(ms).toBeLessThan(7000);
    } finally {
      await silent.close();
    }
  });

  it('the registry refuses the token (401 with it too): registry FAIL', async () => {
    emulator.faults.registryRejectTokens = true;
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    expect(code).toBe(1);
    const registry = check(report, 'registry');
    expect(registry.status).toBe('FAIL');
    expect(registry.detail).toBe(
      `GET ${emulator.url}/v2/: 401 without credentials, 401 with the token: the registry refused the token (a token for account 111122223333 in us-east-1)`,
    );
    expect(registry.fix).toContain('the registry the token is for');
  });

  it('an unreachable registry: registry FAIL with the address', async () => {
    const { report } = await doctor([HOST, '--registry-url', 'http://127.0.0.1:9'], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    expect(check(report, 'registry')).toMatchObject({ status: 'FAIL', detail: 'could not reach http://127.0.0.1:9 (ECONNREFUSED)' });
  });

  it('no docker config: docker-config FAIL with the configure command; podman/skopeo SKIP (no auth file of theirs)', async () => {
    const home = makeHome(null);
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: home,
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    expect(code).toBe(1);
    expect(check(report, 'docker-config')).toEqual({
      name: 'docker-config',
      status: 'FAIL',
      detail: `${path.join(home, '.docker', 'config.json')} does not exist, so docker does not use this helper for ${HOST}`,
      fix: `run \`docker-credential-ecr-login configure --registry ${HOST}\`, or add {"credHelpers":{"${HOST}":"ecr-login"}}`,
    });
    expect(check(report, 'containers-auth').status).toBe('SKIP');
  });

  it.each([
    [
      'credHelpers sends it to another helper',
      { credHelpers: { [HOST]: 'desktop' } },
      'FAIL',
      'credHelpers sends 111122223333.dkr.ecr.us-east-1.amazonaws.com to docker-credential-desktop',
    ],
    ['credsStore is another helper', { credsStore: 'osxkeychain' }, 'FAIL', 'so docker asks credsStore docker-credential-osxkeychain'],
    ['credsStore is this helper', { credsStore: 'ecr-login' }, 'OK', 'credsStore sends every registry'],
    ['a key docker does not match', { credHelpers: { [`https://${HOST}`]: 'ecr-login' } }, 'FAIL', 'which docker does not match'],
    [
      'only a docker login password',
      { auths: { [HOST]: { auth: 'QVdTOnNlY3JldA==' } } },
      'FAIL',
      'docker uses the password a `docker login` left in auths',
    ],
    ['not JSON', '{"credHelpers": {', 'FAIL', 'cannot be read as JSON'],
  ])('docker config where %s: %s', async (_what, config, status, detail) => {
    const { report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(config),
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    const docker = check(report, 'docker-config');
    expect(docker.status).toBe(status);
    expect(docker.detail).toContain(detail);
    if (status === 'FAIL') expect(docker.fix).not.toBeNull();
  });

  it('podman/skopeo: a podman login in REGISTRY_AUTH_FILE shadows the docker config’s credHelpers', async () => {
    const authFile = path.join(makeTempDir(), 'auth.json');
    fs.writeFileSync(authFile, JSON.stringify({ auths: { [HOST]: { auth: 'QVdTOnN0YWxl' } } }));
    const env = { HOME: makeHome(), PATH: pathWithHelper(), REGISTRY_AUTH_FILE: authFile, ...emulator.env() };
    const { report } = await doctor([HOST, '--registry-url', emulator.url], env);
    expect(check(report, 'containers-auth')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining(`${authFile} has an auths entry "${HOST}"`),
      fix: expect.stringContaining(`podman logout ${HOST}`),
    });
    expect(check(report, 'docker-config').status).toBe('OK');
  });

  it('podman/skopeo: credHelpers in the containers auth file under XDG_RUNTIME_DIR (Linux) routes it, though docker config has nothing', async () => {
    const runtime = makeTempDir();
    fs.mkdirSync(path.join(runtime, 'containers'));
    const authFile = path.join(runtime, 'containers', 'auth.json');
    fs.writeFileSync(authFile, JSON.stringify({ credHelpers: { [HOST]: 'ecr-login' } }));
    const env = { HOME: makeHome({}), PATH: pathWithHelper(), XDG_RUNTIME_DIR: runtime, ...emulator.env() };
    const { report } = await doctor([HOST, '--registry-url', emulator.url], env);
    if (process.platform === 'linux') {
      expect(check(report, 'containers-auth')).toMatchObject({
        status: 'OK',
        detail: `${authFile}: credHelpers sends ${HOST} to docker-credential-ecr-login`,
      });
    }
    expect(check(report, 'docker-config').status).toBe('FAIL');
  });

  itOnUnix(
    'another program under the helper’s name first on PATH (the Go helper): helper-on-path FAIL',
    'a #!/bin/sh program',
    async () => {
      const dir = makeTempDir();
      const impostor = path.join(dir, 'docker-credential-ecr-login');
      fs.writeFileSync(impostor, '#!/bin/sh\necho 0.7.1\n', { mode: 0o755 });
      const { report } = await doctor([HOST, '--registry-url', emulator.url], {
        HOME: makeHome(),
        PATH: `${dir}${path.delimiter}${pathWithHelper()}`,
        ...emulator.env(),
      });
      expect(check(report, 'helper-on-path')).toMatchObject({
        status: 'FAIL',
        detail: `${impostor} is another program: \`docker-credential-ecr-login version\` answered "0.7.1" (the Go amazon-ecr-credential-helper answers a bare version), so docker runs that one`,
        // This helper's own directory: the Node entry's bin/, or the executable's.
        fix: `remove or rename it, or put ${path.dirname(HELPER_BIN)} before ${dir} on PATH`,
      });
    },
  );

  it('the helper not on PATH: helper-on-path FAIL', async () => {
    const { report } = await doctor([HOST, '--registry-url', emulator.url], { HOME: makeHome(), PATH: makeTempDir(), ...emulator.env() });
    expect(check(report, 'helper-on-path')).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('is not on PATH') });
  });

  it('a public registry: ecr-token FAIL, registry skipped, and no alias offered (it would get the ECR token)', async () => {
    const { report } = await doctor(['ghcr.io'], { HOME: makeHome(), PATH: pathWithHelper(), ...emulator.env() });
    expect(check(report, 'ecr-token')).toMatchObject({
      status: 'FAIL',
      detail: 'ghcr.io is not an Amazon ECR registry host, nor an alias of one, so the helper answers "credentials not found" for it',
      fix: 'this helper routes Amazon ECR registries, whose tokens come from AWS; ghcr.io is a public registry: use docker login or its own credential helper for it',
    });
    expect(check(report, 'registry').status).toBe('SKIP');
  });

  it('another host that is not ECR: ecr-token FAIL, and an alias offered for a name of yours in front of ECR', async () => {
    const { report } = await doctor(['registry.example.com'], { HOME: makeHome(), PATH: pathWithHelper(), ...emulator.env() });
    expect(check(report, 'ecr-token')).toMatchObject({
      status: 'FAIL',
      fix: 'use the registry host as ECR names it (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), or, if registry.example.com is a DNS name of yours that fronts one, make it an alias: docker-credential-ecr-login configure --alias registry.example.com=<registry host>',
    });
  });

  it('a proxy in effect: the AWS calls and the registry go through it, and the proxy check says which variable chose it', async () => {
    const proxy = await startConnectProxy();
    try {
      const { code, report } = await doctor([HOST, '--registry-url', emulator.url], {
        HOME: makeHome(),
        PATH: pathWithHelper(),
        ...emulator.env(),
        HTTP_PROXY: proxy.url,
      });
      expect(code).toBe(0);
      const host = new URL(emulator.url).host;
      expect(check(report, 'proxy')).toEqual({
        name: 'proxy',
        status: 'OK',
        detail: `${host}: through ${proxy.url} (HTTP_PROXY)`,
        fix: null,
      });
      expect(proxy.tunnels.length).toBeGreaterThanOrEqual(3);
      expect(new Set(proxy.tunnels)).toEqual(new Set([host]));
    } finally {
      await proxy.close();
    }
  });

  it('a proxy from npm_config_http_proxy alone (which the helper follows too): the check names it, not "no proxy set"', async () => {
    const proxy = await startConnectProxy();
    try {
      const { report } = await doctor([HOST, '--registry-url', emulator.url], {
        HOME: makeHome(),
        PATH: pathWithHelper(),
        ...emulator.env(),
        npm_config_http_proxy: proxy.url,
      });
      const host = new URL(emulator.url).host;
      expect(check(report, 'proxy')).toMatchObject({ status: 'OK', detail: `${host}: through ${proxy.url} (npm_config_http_proxy)` });
      expect(new Set(proxy.tunnels)).toEqual(new Set([host]));
    } finally {
      await proxy.close();
    }
  });

  it('NO_PROXY naming the endpoints: direct, and the check says so', async () => {
    const { report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
    });
    expect(check(report, 'proxy')).toMatchObject({ status: 'OK', detail: `${new URL(emulator.url).host}: direct (NO_PROXY=127.0.0.1)` });
    expect(report.ok).toBe(true);
  });

  it('no proxy set: says so', async () => {
    const { report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
    });
    expect(check(report, 'proxy').detail).toMatch(/^no proxy set/);
  });

  it('cache: a cached token and its remaining lifetime; the cache off: SKIP', async () => {
    const home = makeHome();
    const env = { HOME: home, PATH: pathWithHelper(), ...emulator.env() };
    expect((await runHelper(['get'], HOST, env)).code).toBe(0);
    const { report } = await doctor([HOST, '--registry-url', emulator.url], env);
    expect(check(report, 'cache').detail).toMatch(
      new RegExp(`a token for ${HOST.replace(/\./g, '\\.')} and this identity, 11 h 5\\d min left$`),
    );
    const off = await doctor([HOST, '--registry-url', emulator.url], { ...env, AWS_ECR_DISABLE_CACHE: '1' });
    expect(check(off.report, 'cache')).toMatchObject({ status: 'SKIP', detail: 'AWS_ECR_DISABLE_CACHE is set: every get asks ECR' });
  });

  it('keychain backend without a Secret Service: keychain FAIL with the way out', async () => {
    const { report } = await doctor([HOST, '--registry-url', emulator.url], {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
      AWS_ECR_CACHE_BACKEND: 'keychain',
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(makeTempDir(), 'no-bus')}`,
    });
    if (process.platform !== 'linux') return;
    expect(check(report, 'keychain')).toMatchObject({ status: 'FAIL', fix: 'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file' });
  });
});

describeWithSecretService('doctor with the keychain backend and a real Secret Service', () => {
  // A keychain of its own per test: the token is written (and split) in each.
  let session: TestSession;
  beforeEach(async () => {
    session = await startTestSession({ withKeyring: true });
  });
  afterEach(() => session.stop());

  it.each<[string, Record<string, string>, string]>([
    ['the Secret Service’s own (none)', {}, 'holds a token in one item (no size limit here)'],
    [
      'Windows’ 2,560 bytes an item (AWS_ECR_KEYCHAIN_ITEM_BYTES)',
      { AWS_ECR_KEYCHAIN_ITEM_BYTES: '2560' },
      'a token is split into 2 parts and a header of at most 2560 bytes each here',
    ],
  ])('items of %s: keychain says how a token is kept, and cache finds the one a get kept', async (_what, limit, fit) => {
    emulator.faults.passwordLength = 2900;
    const env = {
      HOME: makeHome(),
      PATH: pathWithHelper(),
      ...emulator.env(),
      ...session.env,
      AWS_ECR_CACHE_BACKEND: 'keychain',
      ...limit,
    };
    expect(await runHelper(['get'], HOST, env)).toMatchObject({ code: 0, stderr: '' });
    const { report } = await doctor([HOST, '--registry-url', emulator.url], env);
    expect(check(report, 'keychain')).toMatchObject({
      status: 'OK',
      detail: expect.stringMatching(new RegExp(`; ${fit.replace(/[()]/g, '\\$&')}$`)),
    });
    expect(check(report, 'cache').detail).toMatch(/keychain backend; a token for .* and this identity, 11 h 5\d min left$/);
  });
});

describe('doctor with per-registry settings (~/.ecr/config.json)', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/ecr-pull';
  /** Denied keys in the environment, allowed ones in profile `prod`: what succeeds used the settings. */
  function homeWith(settings: unknown): string {
    const home = makeHome();
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(
      path.join(home, '.aws', 'credentials'),
      `[prod]\naws_access_key_id = ${TEST_CREDENTIALS.allowed.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.allowed.secretAccessKey}\n`,
    );
    fs.mkdirSync(path.join(home, '.ecr'), { mode: 0o700 });
    fs.writeFileSync(path.join(home, '.ecr', 'config.json'), typeof settings === 'string' ? settings : JSON.stringify(settings), {
      mode: 0o600,
    });
    return home;
  }
  const env = (home: string) => ({ HOME: home, PATH: pathWithHelper(), ...emulator.env(TEST_CREDENTIALS.denied) });

  it("the registry's profile: credentials, STS and the token as that profile", async () => {
    const home = homeWith({ registries: { [HOST]: { profile: 'prod' } } });
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], env(home));
    expect(check(report, 'settings')).toMatchObject({ status: 'OK', detail: `${path.join(home, '.ecr', 'config.json')}: profile prod` });
    expect(check(report, 'aws-credentials').detail).toBe(
      'from shared credentials/config files, profile prod; access key id …WED1; retries: up to 3 attempts (default), standard mode (default)',
    );
    expect(check(report, 'sts-identity').detail).toContain(TEST_CREDENTIALS.allowed.principalArn);
    expect(check(report, 'ecr-token').status).toBe('OK');
    expect(code).toBe(0);
  });

  it("the registry's role: the token as the assumed role, and nothing cached", async () => {
    const home = homeWith({ registries: { [HOST]: { profile: 'prod', roleArn: ROLE } } });
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], env(home));
    expect(check(report, 'settings').detail).toContain(`profile prod; role ${ROLE}`);
    expect(check(report, 'ecr-token').detail).toContain(`in us-east-1 as ${ROLE} gave a token`);
    expect(emulator.calls.filter((c) => c.action === 'AssumeRole').map((c) => c.roleArn)).toEqual([ROLE]);
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(home, '.ecr')).filter((f) => f.startsWith('tokens'))).toEqual([]);
  });

  it('the role denied: the policy goes to the assumed role, not to the source identity', async () => {
    const home = homeWith({ registries: { [HOST]: { roleArn: ROLE } } });
    emulator.faults.deny = true;
    const { report } = await doctor([HOST, '--registry-url', emulator.url], { ...env(home), ...emulator.env() });
    const fix = check(report, 'ecr-token').fix ?? '';
    expect(fix).toMatch(/^allow arn:aws:sts::111122223333:assumed-role\/ecr-pull\/ecr-login to get tokens and pull/);
    expect(fix).toContain('aws iam put-role-policy --role-name ecr-pull');
  });

  it('an alias: routing is checked for the alias, the token comes from the registry it stands for', async () => {
    const alias = 'registry.example.com';
    const home = homeWith({ aliases: { [alias]: HOST }, registries: { [HOST]: { profile: 'prod' } } });
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [alias]: 'ecr-login' } }));
    const { code, report } = await doctor([alias, '--registry-url', emulator.url], env(home));
    expect(check(report, 'docker-config').detail).toContain(`credHelpers sends ${alias} to docker-credential-ecr-login`);
    expect(check(report, 'settings').detail).toContain(`${alias} is an alias of ${HOST}; profile prod`);
    expect(check(report, 'ecr-token').status).toBe('OK');
    expect(check(report, 'registry').status).toBe('OK');
    expect(code).toBe(0);
  });

  it('an invalid settings file: settings FAIL with the reader’s message', async () => {
    const home = homeWith({ registries: { [HOST]: { rolearn: ROLE } } });
    const { code, report } = await doctor([HOST, '--registry-url', emulator.url], env(home));
    expect(check(report, 'settings')).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('rolearn') });
    expect(code).toBe(1);
  });
});

describe('doctor without a host', () => {
  it('runs what needs no registry and skips the rest, saying why; exit 0', async () => {
    const { code, report } = await doctor([], { HOME: makeHome(), PATH: pathWithHelper(), ...emulator.env() });
    expect(report.host).toBeNull();
    expect(statuses(report)).toMatchObject({
      'helper-on-path': 'OK',
      'docker-config': 'SKIP',
      'containers-auth': 'SKIP',
      settings: 'SKIP',
      'aws-credentials': 'OK',
      'sts-identity': 'OK',
      'ecr-token': 'SKIP',
      registry: 'SKIP',
      cache: 'OK',
      proxy: 'OK',
    });
    expect(check(report, 'docker-config').detail).toContain(`routes to ecr-login: ${HOST}`);
    expect(check(report, 'ecr-token').detail).toBe('no registry given');
    expect(code).toBe(0);
  });
});

/** A terminal, with and without NO_COLOR: whether the report is coloured. */
const TERMINAL_CASES: readonly (readonly [string, boolean, Record<string, string>])[] = [
  ['a terminal', true, {}],
  ['a terminal with NO_COLOR=1', false, { NO_COLOR: '1' }],
];

describe('doctor for a terminal', () => {
  const env = () => ({ HOME: makeHome(), PATH: pathWithHelper(), ...emulator.env() });

  it('without --json: one line per check, the fix under a failure, a summary; no colour when stdout is not a terminal', async () => {
    const out = await runHelper(['doctor', HOST, '--registry-url', emulator.url], '', {
      ...env(),
      ...emulator.env(TEST_CREDENTIALS.denied),
    });
    expect(out.code).toBe(1);
    expect(out.stdout).not.toContain('\u001b[');
    expect(out.stdout.split('\n')[0]).toBe(`docker-credential-ecr-login doctor ${HOST}`);
    expect(out.stdout).toMatch(/^ {2}OK {4}AWS credentials {5}from environment variables/m);
    expect(out.stdout).toMatch(/^ {2}FAIL {2}ECR token {11}access denied for/m);
    expect(out.stdout).toMatch(/^ {28}fix: allow arn:aws:iam::111122223333:user\/no-ecr-user to get tokens and pull/m);
    expect(out.stdout).toMatch(/^ {36}"Action": "ecr:GetAuthorizationToken",$/m);
    expect(out.stdout.trimEnd().split('\n').pop()).toBe('1 check failed: ecr-token');
  });

  // script(1) of util-linux; the BSD one of macOS takes other options.
  (process.platform === 'linux' ? eachWithPrograms({ script: 'bsdutils' }, TERMINAL_CASES) : it.skip.each(TERMINAL_CASES))(
    'on %s (script(1) gives it a pseudo-terminal): colour %s',
    async (_what, coloured, extra) => {
      const command = [...HELPER_COMMAND, 'doctor', HOST, '--registry-url', emulator.url].map((a) => `'${a}'`).join(' ');
      const child = spawn(findProgram('script') ?? 'script', ['-qec', command, '/dev/null'], {
        env: { ...env(), ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.on('close', (...ended) => resolve(ended)),
      );
      recordProgramRun({ command: ['script', '-qec', command, '/dev/null'], code, signal, stdout, stderr });
      expect(stdout).toContain('AWS credentials');
      expect(stdout.includes('\u001b[32mOK  \u001b[0m')).toBe(coloured);
    },
  );
});
