import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import type { KnownCredential } from '../../emulator/sigv4-verifier';
import { useEmulator } from '../helpers/emulator-fixture';
import { expectPosixMode, itOnUnix, itWithSymlinks } from '../helpers/platform';
import { runHelper } from '../helpers/run-helper';
import { startSilentServer } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';

const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';

const emulator = useEmulator();

/** A fresh HOME and cache dir per test; the helper sees only the emulator's env. */
function environment(extra: Record<string, string> = {}, credential: KnownCredential = TEST_CREDENTIALS.allowed) {
  const home = makeTempDir();
  const cacheDir = path.join(home, '.ecr');
  return { home, cacheDir, env: { HOME: home, ...emulator.env(credential), ...extra } };
}

function tokenCalls() {
  return emulator.calls.filter((c) => c.action === 'GetAuthorizationToken');
}

describe('docker-credential-ecr-login against the local ECR emulator', () => {
  it('fetches a signed token for the registry and prints it', async () => {
    const { env } = environment();
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const issued = emulator.issued[0];
    expect(out.stdout).toBe(`{"ServerURL":"${HOST}","Username":"AWS","Secret":"${issued?.password}"}\n`);
    expect(emulator.calls).toEqual([
      expect.objectContaining({
        service: 'ecr',
        registryIds: ['123456789012'],
        region: 'eu-central-1',
        status: 200,
        accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId,
      }),
    ]);
  });

  it('answers the second call from the cache with no AWS call of any kind', async () => {
    const { env } = environment();
    const first = await runHelper(['get'], HOST, env);
    const second = await runHelper(['get'], `https://${HOST}/v2/`, env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).Secret).toBe(JSON.parse(first.stdout).Secret);
    expect(emulator.calls).toHaveLength(1);
  });

  it('gets ECR Public tokens from us-east-1', async () => {
    const { env } = environment();
    const out = await runHelper(['get'], 'public.ecr.aws', env);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ ServerURL: 'public.ecr.aws', Username: 'AWS', Secret: emulator.issued[0]?.password });
    expect(emulator.calls).toEqual([expect.objectContaining({ service: 'ecr-public', region: 'us-east-1', status: 200 })]);
  });

  // The SDK refuses dual-stack with a custom endpoint ("Dualstack and custom endpoint are not
  // supported"): for a dual-stack host, the endpoint the user configured wins.
  it.each(['123456789012.dkr-ecr.eu-central-1.on.aws', 'ecr-public.aws.com'])(
    'a dual-stack registry host (%s) with AWS_ENDPOINT_URL_ECR*: the token comes from that endpoint',
    async (host) => {
      const { env } = environment();
      const out = await runHelper(['get'], host, env);
      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(out.stdout)).toEqual({ ServerURL: host, Username: 'AWS', Secret: emulator.issued[0]?.password });
      expect(tokenCalls()).toEqual([expect.objectContaining({ host: new URL(emulator.url).host, status: 200 })]);
    },
  );

  it('stores the cache 0600 in a 0700 directory and lists the registry', async () => {
    const { env, cacheDir } = environment();
    await runHelper(['get'], HOST, env);
    expectPosixMode(cacheDir, 0o700);
    expectPosixMode(path.join(cacheDir, 'tokens.json'), 0o600);
    const list = await runHelper(['list'], '', env);
    expect(list).toMatchObject({ code: 0, stdout: `{"https://${HOST}":"AWS"}\n` });
    expect(emulator.calls).toHaveLength(1);
  });

  it('honours AWS_ECR_CACHE_DIR and AWS_ECR_DISABLE_CACHE', async () => {
    const custom = path.join(makeTempDir(), 'elsewhere');
    const { env, cacheDir } = environment({ AWS_ECR_CACHE_DIR: custom });
    await runHelper(['get'], HOST, env);
    expect(fs.existsSync(path.join(custom, 'tokens.json'))).toBe(true);
    expect(fs.existsSync(cacheDir)).toBe(false);

    const disabled = environment({ AWS_ECR_DISABLE_CACHE: '1' });
    await runHelper(['get'], HOST, disabled.env);
    await runHelper(['get'], HOST, disabled.env);
    expect(tokenCalls()).toHaveLength(3);
    expect(fs.existsSync(path.join(disabled.cacheDir, 'tokens.json'))).toBe(false);
  });

  it('AccessDenied: not-found on stdout, the principal and missing action on stderr, nothing secret', async () => {
    const { env, cacheDir } = environment({}, TEST_CREDENTIALS.denied);
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr).toBe(
      `ecr-login: access denied for ${HOST}: ${TEST_CREDENTIALS.denied.principalArn} is not allowed to call ecr:GetAuthorizationToken; ` +
        'grant it in an IAM policy (resource "*") or use another profile\n',
    );
    const log = fs.readFileSync(path.join(cacheDir, 'log', 'ecr-login.log'), 'utf8');
    expect(log).toContain('AccessDeniedException');
    expectPosixMode(path.join(cacheDir, 'log', 'ecr-login.log'), 0o600);
  });

  it('rejected signature (wrong secret) is reported as invalid credentials', async () => {
    const { env } = environment({ AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-000000000000000000000' });
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(out.stderr).toBe(
      `ecr-login: AWS rejected the credentials (InvalidSignatureException) while fetching a token for ${HOST}: ` +
        'check that the access key is active and its secret matches\n',
    );
    expect(emulator.calls[0]).toMatchObject({ status: 403 });
  });

  it('throttling after retries: not-found and a hint, after the SDK retried', async () => {
    emulator.faults.throttleNext = 1000;
    const { env } = environment();
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(out.stderr).toBe(
      `ecr-login: ECR throttled the token request for ${HOST} even after retries (ThrottlingException); try again shortly or reduce parallel calls\n`,
    );
    expect(tokenCalls().length).toBe(3);
  });

  it('a throttled first attempt is retried and succeeds', async () => {
    emulator.faults.throttleNext = 1;
    const { env } = environment();
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(tokenCalls().map((c) => c.status)).toEqual([400, 200]);
  });

  it('unreachable endpoint: fails within seconds with a network hint', async () => {
    const { env } = environment({ AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' });
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(out.stderr).toBe(
      `ecr-login: could not reach the ECR API for ${HOST} (ECONNREFUSED): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_ECR\n`,
    );
  });

  it('no AWS credentials at all (metadata endpoint silent): not-found with what to set', async () => {
    // A metadata endpoint that accepts connections and never answers: the worst case.
    const silent = await startSilentServer();
    try {
      const home = makeTempDir();
      const out = await runHelper(['get'], HOST, {
        HOME: home,
        AWS_ENDPOINT_URL_ECR: emulator.url,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: silent.url,
      });
      expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
      expect(out.stderr).toBe(
        `ecr-login: no AWS credentials found for ${HOST}: set AWS_PROFILE (and run \`aws sso login\` for SSO profiles), ` +
          'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached\n',
      );
      expect(emulator.calls).toHaveLength(0);
    } finally {
      await silent.close();
    }
  });

  it('a silent ECR endpoint (accepts, never answers) times out: not-found with a network hint instead of a hang', async () => {
    const silent = await startSilentServer();
    try {
      const { env } = environment({ AWS_ENDPOINT_URL_ECR: silent.url });
      const out = await runHelper(['get'], HOST, env);
      expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
      expect(out.stderr).toBe(
        `ecr-login: could not reach the ECR API for ${HOST} (ETIMEDOUT): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_ECR\n`,
      );
    } finally {
      await silent.close();
    }
  }, 60_000);

  /** A log path planted by `plant` is not written to (no hang, nothing appended), and the token still comes. */
  async function expectLogPathAvoided(plant: (file: string) => void) {
    const { env, cacheDir } = environment();
    fs.mkdirSync(path.join(cacheDir, 'log'), { recursive: true, mode: 0o700 });
    const elsewhere = path.join(cacheDir, 'log', 'elsewhere');
    fs.writeFileSync(elsewhere, 'keep\n');
    plant(path.join(cacheDir, 'log', 'ecr-login.log'));
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('keep\n');
  }

  itOnUnix(
    'a log path that is a FIFO is not written to (no hang), and the token still comes',
    'mkfifo: the Windows file system has no FIFOs',
    () => expectLogPathAvoided((file) => execFileSync('mkfifo', [file])),
  );

  itWithSymlinks('a log path that is a symlink to another file is not written through, and the token still comes', () =>
    expectLogPathAvoided((file) => fs.symlinkSync(path.join(path.dirname(file), 'elsewhere'), file)),
  );

  it('a slow ECR answer (1.5 s) is waited for, not cut off and retried', async () => {
    emulator.faults.delayMs = 1500;
    const { env } = environment();
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(tokenCalls().map((c) => c.status)).toEqual([200]);
  });

  it('not-ECR hosts (look-alikes included): not-found and no AWS call', async () => {
    const { env } = environment();
    for (const url of ['https://index.docker.io/v1/', 'ghcr.io', `${HOST}.evil.example`]) {
      const out = await runHelper(['get'], url, env);
      expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
      // Only the keychain (credsStore mode) is consulted; with none here, stderr says so.
      expect(out.stderr).not.toMatch(/GetAuthorizationToken|no AWS credentials|ECR API|token for/);
    }
    expect(emulator.calls).toHaveLength(0);
  });

  it('store and erase for the ECR host succeed (docker login / logout do not fail)', async () => {
    const { env } = environment();
    const store = await runHelper(['store'], JSON.stringify({ ServerURL: `https://${HOST}`, Username: 'AWS', Secret: 'x' }), env);
    const erase = await runHelper(['erase'], `https://${HOST}`, env);
    expect([store.code, erase.code]).toEqual([0, 0]);
    expect(emulator.calls).toHaveLength(0);
  });

  it('a corrupt cache file is rebuilt and the call still succeeds', async () => {
    const { env, cacheDir } = environment();
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(cacheDir, 'tokens.json'), '{"version":1,"salt":"ab', { mode: 0o600 });
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(cacheDir, 'tokens.json'), 'utf8')).version).toBe(1);
  });

  it('the SDK’s own warnings go to the log, not the terminal', async () => {
    // AWS_PROFILE and keys in the environment at once: the SDK warns (several lines) and uses the profile.
    const { env, home, cacheDir } = environment({ AWS_PROFILE: 'ci' }, TEST_CREDENTIALS.denied);
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(
      path.join(home, '.aws', 'credentials'),
      `[ci]\naws_access_key_id = ${TEST_CREDENTIALS.allowed.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.allowed.secretAccessKey}\n`,
    );
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(path.join(cacheDir, 'log', 'ecr-login.log'), 'utf8')).toMatch(
      /WARN .*aws-sdk: .*Multiple credential sources detected/,
    );
  });

  it('the token never appears in the log', async () => {
    const { env, cacheDir } = environment({ AWS_ECR_LOG_LEVEL: 'debug' });
    await runHelper(['get'], HOST, env);
    const log = fs.readFileSync(path.join(cacheDir, 'log', 'ecr-login.log'), 'utf8');
    const password = emulator.issued[0]?.password ?? 'missing';
    expect(log).toContain('requesting a token');
    expect(log).not.toContain(password.slice(0, 40));
  });
});

describe('every spelling of an action behaves the same', () => {
  it.each([[['get', '--']], [['--', 'get']]])('%j answers as plain `get` does, even when the cache cannot be written', async (args) => {
    // A cache directory under a regular file: the write fails (ENOTDIR), the token still comes.
    const blocker = path.join(makeTempDir(), 'not-a-directory');
    fs.writeFileSync(blocker, '');
    const { env } = environment({ AWS_ECR_CACHE_DIR: path.join(blocker, 'cache') });
    const plain = await runHelper(['get'], HOST, env);
    const spelled = await runHelper(args, HOST, env);
    const expectedStderr = `ecr-login: cannot write token cache ${path.join(blocker, 'cache', 'tokens.json')} (ENOTDIR); continuing without caching\n`;
    expect(plain).toMatchObject({ code: 0, stderr: expectedStderr });
    expect(spelled).toMatchObject({ code: 0, stderr: expectedStderr });
    expect(JSON.parse(spelled.stdout)).toEqual({ ServerURL: HOST, Username: 'AWS', Secret: emulator.issued[1]?.password });
  });
});
