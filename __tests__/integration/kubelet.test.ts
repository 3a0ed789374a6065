import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { withPreload } from '../helpers/preload/env';
import { runHelper, runProvider } from '../helpers/run-helper';
import { startSilentServer } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The kubelet image credential provider protocol, end to end: the built program run as
 * `ecr-credential-provider get-credentials` (as kubelet's config runs it), requests on stdin,
 * against the emulator's ECR, STS (with its own OIDC provider) and instance metadata.
 */

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const GROUP = 'credentialprovider.kubelet.k8s.io';
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';

const emulator = useEmulator();

function request(fields: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: `${GROUP}/v1`, ...fields });
}

const ecrCalls = () => emulator.calls.filter((c) => c.service === 'ecr');
const stsCalls = () => emulator.calls.filter((c) => c.service === 'sts');
const passwordOf = (stdout: string): unknown => Object.values(JSON.parse(stdout).auth as Record<string, { password: string }>)[0]?.password;

describe('responses, byte for byte, in the apiVersion of the request', () => {
  it.each(['v1', 'v1beta1', 'v1alpha1'])('%s', async (version) => {
    // One clock, standing still, for the emulator and the provider: 12 hours left, 6 to cache.
    const frozen = Math.floor(Date.now() / 1000) * 1000;
    emulator.faults.clockFrozenMs = frozen;
    const env = withPreload({ HOME: makeTempDir(), ...emulator.env() }, 'shift-clock', { TEST_CLOCK_FROZEN_MS: String(frozen) });
    const out = await runProvider(['get-credentials'], request({ apiVersion: `${GROUP}/${version}`, image: `${HOST}/team/app:1.0` }), env);
    const password = emulator.issued[0]?.password;
    expect(out).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `{"kind":"CredentialProviderResponse","apiVersion":"${GROUP}/${version}","cacheKeyType":"Registry","cacheDuration":"6h0m0s","auth":{"${HOST}":{"username":"AWS","password":"${password}"}}}\n`,
    });
  });

  it('only the fields of the response type, whatever the request carries besides', async () => {
    const out = await runProvider(
      ['get-credentials'],
      request({ image: `${HOST}/app@sha256:${'a'.repeat(64)}`, futureField: { nested: true } }),
      { HOME: makeTempDir(), ...emulator.env() },
    );
    expect(out.code).toBe(0);
    const response = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(response)).toEqual(['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth']);
    expect(response.cacheDuration).toMatch(/^(6h0m0s|5h59m5\ds)$/);
    expect(Object.keys(response.auth as object)).toEqual([HOST]);
  });

  it('docker-credential-ecr-login get-credentials answers the same, extra arguments and all', async () => {
    const env = { HOME: makeTempDir(), ...emulator.env() };
    const out = await runHelper(['get-credentials', '--some-kubelet-arg', 'value'], request({ image: `${HOST}/app` }), env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout)).toMatchObject({ kind: 'CredentialProviderResponse', auth: { [HOST]: { username: 'AWS' } } });
    expect(passwordOf(out.stdout)).toBe(emulator.issued[0]?.password);
  });

  it.each([
    // kubelet's URLsMatch compares ports exactly: HOST alone would not match an image with :443.
    [`https://${HOST}:443/team/app:1`, `${HOST}:443`],
    [`${HOST}:443/team/app`, `${HOST}:443`],
    [`${HOST.toUpperCase()}/team/app`, HOST.toUpperCase()],
    [`${HOST}./team/app`, `${HOST}.`],
  ])('keys auth by the host and port as the image spells them (kubelet matches it against the image): %s', async (image, key) => {
    const env = { HOME: makeTempDir(), ...emulator.env() };
    const out = await runProvider(['get-credentials'], request({ image }), env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(Object.keys(JSON.parse(out.stdout).auth)).toEqual([key]);
  });
});

describe('bad requests: exit 1, one line on stderr, nothing on stdout, no AWS call', () => {
  const prefix = 'ecr-credential-provider: ';
  it.each([
    ['malformed JSON', '{"kind":', 'invalid CredentialProviderRequest: standard input is not JSON'],
    ['no request at all', '', 'invalid CredentialProviderRequest: standard input is empty'],
    [
      'an apiVersion with more after the version',
      request({ apiVersion: `${GROUP}/v1/extra`, image: HOST }),
      `invalid CredentialProviderRequest: apiVersion "${GROUP}/v1/extra" is not supported; expected ${GROUP}/v1, ${GROUP}/v1beta1, ${GROUP}/v1alpha1`,
    ],
    [
      'an apiVersion with a trailing slash',
      request({ apiVersion: `${GROUP}/v1/`, image: HOST }),
      `invalid CredentialProviderRequest: apiVersion "${GROUP}/v1/" is not supported; expected ${GROUP}/v1, ${GROUP}/v1beta1, ${GROUP}/v1alpha1`,
    ],
    [
      'wrong kind',
      JSON.stringify({ kind: 'CredentialProviderFoo', apiVersion: `${GROUP}/v1`, image: HOST }),
      'invalid CredentialProviderRequest: kind is "CredentialProviderFoo", expected "CredentialProviderRequest"',
    ],
    [
      'unknown apiVersion',
      request({ apiVersion: 'foo.k8s.io/v1', image: HOST }),
      `invalid CredentialProviderRequest: apiVersion "foo.k8s.io/v1" is not supported; expected ${GROUP}/v1, ${GROUP}/v1beta1, ${GROUP}/v1alpha1`,
    ],
    [
      'a version kubelet does not have',
      request({ apiVersion: `${GROUP}/v2`, image: HOST }),
      `invalid CredentialProviderRequest: apiVersion "${GROUP}/v2" is not supported; expected ${GROUP}/v1, ${GROUP}/v1beta1, ${GROUP}/v1alpha1`,
    ],
    ['missing image', request({}), 'invalid CredentialProviderRequest: image is empty'],
    ['empty image', request({ image: ' ' }), 'invalid CredentialProviderRequest: image is empty'],
    ['image not a string', request({ image: 5 }), 'invalid CredentialProviderRequest: "image" must be a string'],
    [
      'image on another registry',
      request({ image: 'registry.k8s.io/pause:3.9' }),
      'image "registry.k8s.io/pause:3.9" is not on an Amazon ECR registry host: check matchImages in the kubelet\'s CredentialProviderConfig',
    ],
    [
      'a look-alike host',
      request({ image: `${HOST}.evil.example/app` }),
      `image "${HOST}.evil.example/app" is not on an Amazon ECR registry host: check matchImages in the kubelet's CredentialProviderConfig`,
    ],
    ['oversized', request({ image: HOST, padding: 'x'.repeat(70_000) }), 'input too large: more than 65536 bytes on standard input'],
  ])('%s', async (_what, input, line) => {
    const out = await runProvider(['get-credentials'], input, { HOME: makeTempDir(), ...emulator.env() });
    expect(out).toMatchObject({ code: 1, stdout: '', stderr: `${prefix}${line}\n` });
    expect(emulator.calls).toEqual([]);
  });

  it('a token failure is one line naming the principal and the missing action (what lands in the kubelet log)', async () => {
    const out = await runProvider(['get-credentials'], request({ image: `${HOST}/app` }), {
      HOME: makeTempDir(),
      ...emulator.env(TEST_CREDENTIALS.denied),
    });
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        `${prefix}access denied for ${HOST}: ${TEST_CREDENTIALS.denied.principalArn} is not allowed to call ecr:GetAuthorizationToken; ` +
        'grant it in an IAM policy (resource "*") or use another profile\n',
    });
  });
});

describe('token failures in kubelet mode: one line each, stdout empty', () => {
  const prefix = 'ecr-credential-provider: ';
  it.each([
    [
      'no AWS credentials',
      () => ({ HOME: makeTempDir(), AWS_ENDPOINT_URL_ECR: emulator.url, AWS_EC2_METADATA_DISABLED: 'true' }),
      `no AWS credentials found for ${HOST}: set AWS_PROFILE (and run \`aws sso login\` for SSO profiles), set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached`,
    ],
    [
      'throttling after the retries',
      () => {
        emulator.faults.throttleNext = 1000;
        return { HOME: makeTempDir(), ...emulator.env() };
      },
      `ECR throttled the token request for ${HOST} even after retries (ThrottlingException); try again shortly or reduce parallel calls`,
    ],
    [
      'an unreachable endpoint',
      () => ({ HOME: makeTempDir(), ...emulator.env(), AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' }),
      `could not reach the ECR API for ${HOST} (ECONNREFUSED): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_ECR`,
    ],
  ])('%s', async (_what, environment, line) => {
    const out = await runProvider(['get-credentials'], request({ image: `${HOST}/app` }), environment());
    expect(out).toMatchObject({ code: 1, stdout: '', stderr: `${prefix}${line}\n` });
  });

  it('warnings that a docker user would see stay in the log: the failure is the only stderr line', async () => {
    const out = await runProvider(['get-credentials'], '{}', { HOME: makeTempDir(), ...emulator.env(), AWS_ECR_CACHE_BACKEND: 'bogus' });
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `${prefix}invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"\n`,
    });
  });
});

describe('node identity (no service account token): the instance profile, through the shared cache', () => {
  it('12 plugin processes at once cost one ECR call, made as the node role; the next round costs none', async () => {
    emulator.faults.delayMs = 300;
    const env = { HOME: makeTempDir(), ...emulator.nodeEnv() };
    const round = () =>
      Promise.all(Array.from({ length: 12 }, () => runProvider(['get-credentials'], request({ image: `${HOST}/app` }), env)));
    const first = await round();
    expect(first.map((r) => [r.code, r.stderr])).toEqual(Array(12).fill([0, '']));
    expect(new Set(first.map((r) => passwordOf(r.stdout))).size).toBe(1);
    expect(ecrCalls()).toHaveLength(1);
    expect(emulator.issued[0]?.principalArn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/eks-node-role\//);
    expect(emulator.calls.filter((c) => c.service === 'imds' && c.status === 200).length).toBeGreaterThan(0);
    emulator.calls.length = 0;
    emulator.faults.delayMs = 0;
    const second = await round();
    expect(second.map((r) => r.code)).toEqual(Array(12).fill(0));
    expect(emulator.calls).toEqual([]);
  });
});

describe('service-account mode (v1 requests with a service account token)', () => {
  const ROLE_A = 'arn:aws:iam::111122223333:role/team-a-pull';
  const ROLE_B = 'arn:aws:iam::111122223333:role/team-b-pull';
  const SA_A = 'system:serviceaccount:team-a:app';
  const SA_B = 'system:serviceaccount:team-b:app';

  function setup() {
    emulator.serviceAccounts.trust(ROLE_A, SA_A);
    emulator.serviceAccounts.trust(ROLE_B, SA_B);
    const home = makeTempDir();
    return { home, env: { HOME: home, ...emulator.nodeEnv() } };
  }
  const saRequest = (subject: string, annotations: Record<string, string>, version = 'v1') =>
    request({
      apiVersion: `${GROUP}/${version}`,
      image: `${HOST}/app:1`,
      serviceAccountToken: emulator.serviceAccounts.issue(subject),
      serviceAccountAnnotations: annotations,
    });
  const issuedTo = (role: string) =>
    emulator.issued.filter((t) => t.principalArn.startsWith(role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')));

  it('two service accounts get credentials of their own roles, never each other’s, and nothing is cached', async () => {
    const { env, home } = setup();
    const [a, b] = await Promise.all([
      runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: ROLE_A }), env),
      runProvider(['get-credentials'], saRequest(SA_B, { [ROLE_ANNOTATION]: ROLE_B }), env),
    ]);
    expect([a?.code, b?.code, a?.stderr, b?.stderr]).toEqual([0, 0, '', '']);
    expect(passwordOf(a?.stdout ?? '')).toBe(issuedTo(ROLE_A)[0]?.password);
    expect(passwordOf(b?.stdout ?? '')).toBe(issuedTo(ROLE_B)[0]?.password);
    expect(passwordOf(a?.stdout ?? '')).not.toBe(passwordOf(b?.stdout ?? ''));
    expect(
      stsCalls()
        .map((c) => [c.action, c.roleArn, c.roleSessionName, c.subject, c.status])
        .sort(),
    ).toEqual(
      [
        ['AssumeRoleWithWebIdentity', ROLE_A, 'ecr-credential-provider', SA_A, 200],
        ['AssumeRoleWithWebIdentity', ROLE_B, 'ecr-credential-provider', SA_B, 200],
      ].sort(),
    );
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
    // Not served from any cache: the same service account asking again assumes the role again.
    const again = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: ROLE_A }), env);
    expect(again.code).toBe(0);
    expect(stsCalls()).toHaveLength(3);
    expect(ecrCalls()).toHaveLength(3);
  });

  it('a token whose service account the role does not trust fails with the role and the reason, and no ECR call', async () => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: ROLE_B }), env);
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        `ecr-credential-provider: cannot assume ${ROLE_B} with the pod's service account token (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity): ` +
        "check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for this service account and audience sts.amazonaws.com\n",
    });
    expect(ecrCalls()).toEqual([]);
  });

  it('without the annotation, the role comes from AWS_ECR_ROLE_ARN', async () => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], saRequest(SA_B, {}), { ...env, AWS_ECR_ROLE_ARN: ROLE_B });
    expect(out.code).toBe(0);
    expect(passwordOf(out.stdout)).toBe(issuedTo(ROLE_B)[0]?.password);
  });

  it('the annotation wins over AWS_ECR_ROLE_ARN', async () => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: ROLE_A }), {
      ...env,
      AWS_ECR_ROLE_ARN: ROLE_B,
    });
    expect(out.code).toBe(0);
    expect(stsCalls().map((c) => c.roleArn)).toEqual([ROLE_A]);
  });

  it.each([
    [
      'forged',
      (token: string) => `${token.slice(0, -4)}AAAA`,
      'InvalidIdentityTokenException',
      "Couldn't retrieve verification key from your identity provider",
      'oidc',
    ],
    [
      'expired',
      () => emulator.serviceAccounts.issue(SA_A, { expiresInSeconds: -60 }),
      'ExpiredTokenException',
      'Token expired: current date/time must be before the expiration date/time',
      'trust',
    ],
    [
      'for another audience',
      () => emulator.serviceAccounts.issue(SA_A, { audience: 'kubernetes.default.svc' }),
      'InvalidIdentityTokenException',
      'Incorrect token audience',
      'oidc',
    ],
  ])('a %s service account token is refused by STS: one line, no ECR call', async (_what, makeToken, code, message, hint) => {
    const { env } = setup();
    const token = makeToken(emulator.serviceAccounts.issue(SA_A));
    const out = await runProvider(
      ['get-credentials'],
      request({ image: `${HOST}/app`, serviceAccountToken: token, serviceAccountAnnotations: { [ROLE_ANNOTATION]: ROLE_A } }),
      env,
    );
    const check =
      hint === 'oidc'
        ? "check that the cluster's OIDC provider is registered in IAM and the token's audience is sts.amazonaws.com"
        : "check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for this service account and audience sts.amazonaws.com";
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `ecr-credential-provider: cannot assume ${ROLE_A} with the pod's service account token (${code}: ${message}): ${check}\n`,
    });
    expect(ecrCalls()).toEqual([]);
  });

  it('an annotation that is present but empty means no role, even with AWS_ECR_ROLE_ARN set (as AWS’s plugin reads it)', async () => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: '' }), { ...env, AWS_ECR_ROLE_ARN: ROLE_A });
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(stsCalls()).toEqual([]);
    expect(emulator.issued[0]?.principalArn).toMatch(/assumed-role\/eks-node-role\//);
  });

  // The annotation is a namespace tenant's to write: checked against IAM's grammar before it is
  // logged or sent, and quoted only by its start (escaped) in the one stderr line.
  it.each([
    [
      'a user, not a role',
      'arn:aws:iam::111122223333:user/someone',
      'not a role (…:role/<name>)',
      '"arn:aws:iam::111122223333:user/someone"',
    ],
    ['an unknown partition', 'arn:aws-moon:iam::111122223333:role/x', 'unknown partition', '"arn:aws-moon:iam::111122223333:role/x"'],
    ['an 11-digit account', 'arn:aws:iam::11112222333:role/x', 'the account is not 12 digits', '"arn:aws:iam::11112222333:role/x"'],
    [
      'a name with a space and control characters',
      'arn:aws:iam::111122223333:role/a b\r\u001b[31m',
      'the role name must be 1 to 64 letters, digits or +=,.@_-',
      '"arn:aws:iam::111122223333:role/a b\\r\\u001b[31m"',
    ],
    [
      'a 65-character name',
      `arn:aws:iam::111122223333:role/${'n'.repeat(65)}`,
      'the role name must be 1 to 64',
      `"arn:aws:iam::111122223333:role/${'n'.repeat(17)}"…`,
    ],
    [
      '4 KiB of path',
      `arn:aws:iam::111122223333:role/${'a/'.repeat(2048)}x`,
      'longer than 2048 characters',
      `"arn:aws:iam::111122223333:role/${'a/'.repeat(8)}a"…`,
    ],
  ])(
    'an annotation that is no role ARN (%s): exit 1, one line quoting its start, no STS call',
    async (_what, annotation, problem, quoted) => {
      const { env } = setup();
      const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: annotation }), env);
      expect(out).toMatchObject({ code: 1, stdout: '' });
      expect(out.stderr.split('\n')).toEqual([
        expect.stringContaining(`annotation ${ROLE_ANNOTATION} is not an IAM role ARN (${problem}`),
        '',
      ]);
      expect(out.stderr).toContain(`: ${quoted}; expected arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>`);
      expect(stsCalls()).toEqual([]);
      expect(ecrCalls()).toEqual([]);
    },
  );

  it('AWS_ECR_ROLE_ARN that is no role ARN: the same, naming the variable', async () => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], saRequest(SA_A, {}), {
      ...env,
      AWS_ECR_ROLE_ARN: 'arn:aws:iam::111122223333:role/',
    });
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'ecr-credential-provider: AWS_ECR_ROLE_ARN is not an IAM role ARN (the role name must be 1 to 64 letters, digits or +=,.@_-): "arn:aws:iam::111122223333:role/"; expected arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>\n',
    });
    expect(stsCalls()).toEqual([]);
  });

  it('a role with a path is a role ARN', async () => {
    const { env } = setup();
    const withPath = 'arn:aws:iam::111122223333:role/teams/a/team-a-pull';
    emulator.serviceAccounts.trust(withPath, SA_A);
    const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: withPath }), env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(stsCalls().map((c) => c.roleArn)).toEqual([withPath]);
  });

  it('a silent STS times out: one line naming STS, instead of a hang', async () => {
    const silent = await startSilentServer();
    try {
      const { env } = setup();
      const out = await runProvider(['get-credentials'], saRequest(SA_A, { [ROLE_ANNOTATION]: ROLE_A }), {
        ...env,
        AWS_ENDPOINT_URL_STS: silent.url,
      });
      expect(out).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `ecr-credential-provider: could not reach AWS STS to assume ${ROLE_A} (ETIMEDOUT): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_STS\n`,
      });
    } finally {
      await silent.close();
    }
  }, 60_000);

  it.each([
    ['no role anywhere', (subject: string) => saRequest(subject, {})],
    [
      'a v1beta1 request (which has no service account fields)',
      (subject: string) => saRequest(subject, { [ROLE_ANNOTATION]: ROLE_A }, 'v1beta1'),
    ],
  ])('%s: the node identity, as AWS’s plugin falls back', async (_what, make) => {
    const { env } = setup();
    const out = await runProvider(['get-credentials'], make(SA_A), env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(stsCalls()).toEqual([]);
    expect(emulator.issued[0]?.principalArn).toMatch(/assumed-role\/eks-node-role\//);
  });
});
