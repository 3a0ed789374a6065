import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper, runProvider } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/** Two registries in us-east-2 (one glob covers both), one in eu-west-1. */
const HOST_A = '123456789012.dkr.ecr.us-east-2.amazonaws.com';
const HOST_B = '210987654321.dkr.ecr.us-east-2.amazonaws.com';
const HOST_C = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PULL = 'arn:aws:iam::111122223333:role/ecr-pull';
const PUSH = 'arn:aws:iam::111122223333:role/ecr-push';
const NOT_FOUND = 'credentials not found in native keychain\n';

const emulator = useEmulator();

/**
 * A HOME with a profile `prod` (keys allowed to call ECR) in ~/.aws/credentials, and an
 * environment whose own keys (AWS_ACCESS_KEY_ID) are the denied ones: whatever succeeds used
 * the registry's settings, not the environment.
 */
function setup(settings?: unknown) {
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.aws'));
  fs.writeFileSync(
    path.join(home, '.aws', 'credentials'),
    `[prod]\naws_access_key_id = ${TEST_CREDENTIALS.allowed.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.allowed.secretAccessKey}\n`,
  );
  fs.mkdirSync(path.join(home, '.ecr'), { mode: 0o700 });
  const file = path.join(home, '.ecr', 'config.json');
  const write = (value: unknown): void =>
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value), { mode: 0o600 });
  if (settings !== undefined) write(settings);
  const env = { HOME: home, ...emulator.env(TEST_CREDENTIALS.denied) };
  const get = (serverUrl: string, extra: Record<string, string> = {}) => runHelper(['get'], serverUrl, { ...env, ...extra });
  return { home, file, write, env, get };
}

const secretOf = (stdout: string): string => JSON.parse(stdout).Secret;
const callsOf = (service: string, action?: string) =>
  emulator.calls.filter((c) => c.service === service && (action === undefined || c.action === action));

describe('a profile per registry', () => {
  it("fetches a registry's token with its profile, and other registries' with the default chain", async () => {
    const { get } = setup({ registries: { [HOST_A]: { profile: 'prod' } } });
    const a = await get(HOST_A);
    expect(a).toMatchObject({ code: 0, stderr: '' });
    expect(callsOf('ecr')).toEqual([expect.objectContaining({ accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId, status: 200 })]);

    // No entry for B: the environment's (denied) keys, exactly as without a settings file.
    const b = await get(HOST_B);
    expect(b.stdout).toBe(NOT_FOUND);
    expect(b.stderr).toContain(`${TEST_CREDENTIALS.denied.principalArn} is not allowed to call ecr:GetAuthorizationToken`);
    expect(callsOf('ecr')[1]).toEqual(expect.objectContaining({ accessKeyId: TEST_CREDENTIALS.denied.accessKeyId }));
  });

  it('a cache hit makes no AWS call; dropping the entry is another identity, so another token', async () => {
    const { get, write } = setup({ registries: { [HOST_A]: { profile: 'prod' } } });
    const first = secretOf((await get(HOST_A)).stdout);
    emulator.calls.length = 0;
    expect(secretOf((await get(HOST_A)).stdout)).toBe(first);
    expect(emulator.calls).toEqual([]);

    write({ registries: { [HOST_A]: { profile: 'prod', roleArn: PULL } } });
    expect(secretOf((await get(HOST_A)).stdout)).not.toBe(first);
    expect(callsOf('ecr')).toHaveLength(1);
  });
});

describe('a role per registry', () => {
  const settings = {
    registries: {
      '*.dkr.ecr.us-east-2.amazonaws.com': { roleArn: PULL, profile: 'prod' },
      [HOST_C]: { roleArn: PUSH, profile: 'prod', externalId: 'ext-123', roleSessionName: 'ci-job' },
    },
  };

  it('assumes the role in the registry region with session ecr-login, then calls ECR with its session keys', async () => {
    const { get } = setup(settings);
    const out = await get(HOST_A);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(callsOf('sts')).toEqual([
      expect.objectContaining({
        action: 'AssumeRole',
        roleArn: PULL,
        roleSessionName: 'ecr-login',
        region: 'us-east-2',
        accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId,
        status: 200,
      }),
    ]);
    expect(callsOf('sts')[0]?.externalId).toBeUndefined();
    expect(callsOf('ecr')).toEqual([
      expect.objectContaining({
        status: 200,
        region: 'us-east-2',
        accessKeyId: expect.stringMatching(/^ASIA/),
        registryIds: ['123456789012'],
      }),
    ]);
  });

  it('a hit needs no STS call; another registry with the same role reuses its credentials; another role is assumed once', async () => {
    const { get } = setup(settings);
    const a = secretOf((await get(HOST_A)).stdout);
    emulator.calls.length = 0;

    expect(secretOf((await get(HOST_A)).stdout)).toBe(a);
    expect(emulator.calls).toEqual([]);

    // B matches the same glob, so the same role: its cached credentials sign the ECR call.
    const b = await get(HOST_B);
    expect(b).toMatchObject({ code: 0, stderr: '' });
    expect(callsOf('sts')).toEqual([]);
    expect(callsOf('ecr')).toEqual([
      expect.objectContaining({ registryIds: ['210987654321'], accessKeyId: expect.stringMatching(/^ASIA/) }),
    ]);

    const c = await get(HOST_C);
    expect(c).toMatchObject({ code: 0, stderr: '' });
    expect(callsOf('sts')).toEqual([
      expect.objectContaining({ roleArn: PUSH, roleSessionName: 'ci-job', externalId: 'ext-123', region: 'eu-west-1' }),
    ]);
    expect(callsOf('sts', 'AssumeRole')).toHaveLength(1);
  });

  it('two roles for one registry never share a token', async () => {
    const { get, write } = setup({ registries: { [HOST_A]: { roleArn: PULL, profile: 'prod' } } });
    const pull = secretOf((await get(HOST_A)).stdout);
    write({ registries: { [HOST_A]: { roleArn: PUSH, profile: 'prod' } } });
    const push = secretOf((await get(HOST_A)).stdout);
    write({ registries: { [HOST_A]: { roleArn: PULL, profile: 'prod' } } });
    const pullAgain = secretOf((await get(HOST_A)).stdout);
    expect(push).not.toBe(pull);
    expect(pullAgain).toBe(pull);
    expect(callsOf('sts', 'AssumeRole').map((c) => c.roleArn)).toEqual([PULL, PUSH]);
    expect(callsOf('ecr')).toHaveLength(2);
  });

  it('the role credentials are cached in the token cache, not as plaintext anywhere else', async () => {
    const { get, home } = setup(settings);
    await get(HOST_A);
    const files = fs.readdirSync(path.join(home, '.ecr'));
    expect(files.sort()).toEqual(expect.arrayContaining(['config.json', 'tokens.json']));
    const cache = JSON.parse(fs.readFileSync(path.join(home, '.ecr', 'tokens.json'), 'utf8'));
    const hosts = Object.values(cache.entries as Record<string, { host: string }>).map((e) => e.host);
    expect(hosts.sort()).toEqual([HOST_A, `sts-role:${PULL}`]);
    expect(fs.statSync(path.join(home, '.ecr', 'tokens.json')).mode & 0o777).toBe(0o600);
  });

  it('AccessDenied on AssumeRole: not-found, and one line naming the role, the principal and the fix', async () => {
    const { get } = setup(settings);
    emulator.faults.denyAssumeRole = true;
    const out = await get(HOST_A);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr).toBe(
      `ecr-login: ${TEST_CREDENTIALS.allowed.principalArn} cannot assume ${PULL} (AccessDenied: User: ${TEST_CREDENTIALS.allowed.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${PULL}): ` +
        `allow sts:AssumeRole on ${PULL} for ${TEST_CREDENTIALS.allowed.principalArn} in its IAM policy, and trust it in the role's trust policy (with sts:ExternalId if the role requires one); or fix roleArn in the settings file\n`,
    );
    expect(callsOf('ecr')).toEqual([]);
  });
});

describe('aliases', () => {
  const settings = { aliases: { 'registry.example.com': HOST_A }, registries: { [HOST_A]: { profile: 'prod' } } };

  it.each(['registry.example.com', 'https://registry.example.com/v2/', 'registry.example.com:443'])(
    'get %s answers with the alias as asked and the ECR registry token',
    async (serverUrl) => {
      const { get } = setup(settings);
      const out = await get(serverUrl);
      expect(out).toMatchObject({ code: 0, stderr: '' });
      const password = emulator.issued[0]?.password;
      expect(out.stdout).toBe(`{"ServerURL":"${serverUrl}","Username":"AWS","Secret":"${password}"}\n`);
      expect(callsOf('ecr')).toEqual([
        expect.objectContaining({ registryIds: ['123456789012'], region: 'us-east-2', accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId }),
      ]);
    },
  );

  it('the alias and its registry share one cached token; list shows both', async () => {
    const { get, env } = setup(settings);
    const viaAlias = secretOf((await get('registry.example.com')).stdout);
    expect(secretOf((await get(HOST_A)).stdout)).toBe(viaAlias);
    expect(callsOf('ecr')).toHaveLength(1);
    const list = await runHelper(['list'], '', env);
    expect(JSON.parse(list.stdout)).toEqual({ [`https://${HOST_A}`]: 'AWS', 'https://registry.example.com': 'AWS' });
  });

  it('a host that is not an alias is not ours: not-found, no AWS call', async () => {
    const { get } = setup(settings);
    for (const url of ['other.example.com', 'http://registry.example.com']) {
      expect(await get(url)).toMatchObject({ code: 1, stdout: NOT_FOUND });
    }
    expect(emulator.calls).toEqual([]);
  });

  it.each([
    ['registry.example.com/team/app', 'registry.example.com'],
    // The port stays in the key: kubelet compares it exactly, and would discard registry.example.com.
    ['registry.example.com:5000/team/app', 'registry.example.com:5000'],
  ])('kubelet: an image on the alias host (%s) gets the registry token, keyed by the alias host and port', async (image, key) => {
    const { env } = setup({ ...settings, aliases: { ...settings.aliases, 'registry.example.com:5000': HOST_A } });
    const request = JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image });
    const out = await runProvider(['get-credentials'], request, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const password = emulator.issued[0]?.password;
    expect(JSON.parse(out.stdout).auth).toEqual({ [key]: { username: 'AWS', password } });
  });
});

describe('kubelet-config', () => {
  it("lists the alias hosts in matchImages after EKS's patterns; an invalid file is refused", async () => {
    const { env, write, file } = setup({ aliases: { 'registry.example.com': HOST_A, 'proxy.example.com:5000': HOST_A } });
    const out = await runHelper(['kubelet-config'], '', env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain('      - "*.dkr.ecr.*.amazonaws.eu"\n      - "registry.example.com"\n      - "proxy.example.com:5000"\n');
    write({ aliases: { 'registry.example.com': 'nope' } });
    const bad = await runHelper(['kubelet-config'], '', env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      `ecr-login: invalid settings file ${file}: aliases["registry.example.com"] must be an Amazon ECR registry host`,
    );
  });
});

describe('an invalid settings file', () => {
  it('get answers not-found with one line naming the file, the field and the problem, and makes no AWS call', async () => {
    const { get, file } = setup({ registries: { '*.dkr.ecr.us-east-2.amazonaws.com': { rolearn: PULL } } });
    const out = await get(HOST_A);
    expect(out).toEqual(
      expect.objectContaining({
        code: 1,
        stdout: NOT_FOUND,
        stderr: `ecr-login: invalid settings file ${file}: registries["*.dkr.ecr.us-east-2.amazonaws.com"].rolearn is not a known field (known: profile, roleArn, roleSessionName, externalId)\n`,
      }),
    );
    expect(emulator.calls).toEqual([]);
  });

  (process.platform === 'win32' ? it.skip : it)(
    'a refused file (group-writable, a symlink) defines no alias: the alias gets not-found, no AWS call, in docker and kubelet mode',
    async () => {
      const { get, file, env, home } = setup({ aliases: { 'registry.example.com': HOST_A } });
      const request = JSON.stringify({
        kind: 'CredentialProviderRequest',
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
        image: 'registry.example.com/team/app',
      });
      fs.chmodSync(file, 0o664);
      const writable = await get('registry.example.com');
      expect(writable).toMatchObject({ code: 1, stdout: NOT_FOUND });
      expect(writable.stderr).toContain(`settings file ${file} cannot be used: ${file} can be written by group or others (mode 0664`);
      expect((await runProvider(['get-credentials'], request, env)).stdout).toBe('');
      // A symlink to a file of ours that is fine in itself: still refused, never followed.
      const real = path.join(home, 'real.json');
      fs.renameSync(file, real);
      fs.chmodSync(real, 0o600);
      fs.symlinkSync(real, file);
      const linked = await get('https://registry.example.com/v2/');
      expect(linked).toMatchObject({ code: 1, stdout: NOT_FOUND });
      expect(linked.stderr).toContain(`${file} is a symbolic link`);
      expect(emulator.calls).toEqual([]);
    },
  );

  it('AWS_ECR_CONFIG names the file; kubelet mode fails with the line on stderr', async () => {
    const { env, home } = setup();
    const file = path.join(home, 'elsewhere.json');
    fs.writeFileSync(file, '{"aliases": {"registry.example.com": "registry.example.org"}}');
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: `${HOST_A}/app`,
    });
    const out = await runProvider(['get-credentials'], request, { ...env, AWS_ECR_CONFIG: file });
    expect(out).toEqual(
      expect.objectContaining({
        code: 1,
        stdout: '',
        stderr: `ecr-credential-provider: invalid settings file ${file}: aliases["registry.example.com"] must be an Amazon ECR registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com, not "registry.example.org"\n`,
      }),
    );
    expect(emulator.calls).toEqual([]);
  });
});
