import type { AwsDiagnostics } from '../../../../src/aws/create-aws-diagnostics';
import type { TokenSource } from '../../../../src/aws/token-source';
import { parseChallenge } from '../../../../src/cli/doctor/checks/registry';
import { runDoctor } from '../../../../src/cli/doctor/run-doctor';
import { parseConfig } from '../../../../src/config';
import { resolveKeychainItemLimit } from '../../../../src/keychain/keychain-item-limit';
import type { Keychain } from '../../../../src/keychain/os-keychain';
import { createSplitKeychain } from '../../../../src/keychain/split-keychain';
import { createServices } from '../../../../src/services';
import {
  createFakeClock,
  createFakeKeychain,
  createFakeKeychainBlobs,
  createFakeTokenSource,
  createMemoryLogger,
} from '../../../helpers/fakes';
import { hostFs } from '../../../helpers/host-fs';
import { randomText, seededRandom } from '../../../helpers/seeded-random';
import { makeTempDir } from '../../../helpers/temp-dir';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** Diagnostics that answer well unless a test overrides one method. */
function fakeDiagnostics(overrides: Partial<AwsDiagnostics> = {}): AwsDiagnostics {
  return {
    resolveCredentials: async () => ({
      source: 'environment variables (AWS_ACCESS_KEY_ID)',
      profile: undefined,
      keyIdEnd: 'ABCD',
      expiresAt: undefined,
    }),
    getCallerIdentity: async () => ({ arn: 'arn:aws:iam::123456789012:user/ci', account: '123456789012' }),
    httpGet: async (_url, authorization) => ({ status: authorization ? 200 : 401, challenge: 'Basic realm="x"', body: '' }),
    proxyFor: async () => undefined,
    resolveRetryPolicy: async () => ({
      maxAttempts: 3,
      mode: 'standard',
      maxBackoffMs: 20_000,
      maxAttemptsFrom: 'default',
      modeFrom: 'default',
      warnings: [],
    }),
    ...overrides,
  };
}

function setup(env: Record<string, string>, diagnostics: AwsDiagnostics, source?: TokenSource, keychain: Keychain = createFakeKeychain()) {
  const home = makeTempDir();
  const clock = createFakeClock();
  const config = parseConfig({ AWS_ECR_DISABLE_CACHE: '1', ...env }, home);
  const services = createServices({
    config,
    logger: createMemoryLogger(),
    now: clock.now,
    keychain,
    loadTokenSource: async () => source ?? createFakeTokenSource(clock.now),
    fsPlatform: hostFs(),
  });
  const deps = {
    services,
    platform: 'linux' as const,
    uid: 1000,
    version: '9.8.7',
    readJsonFile: () => ({ status: 'missing' as const }),
    createDiagnostics: () => diagnostics,
  };
  return (host?: string, registryUrl?: string) => runDoctor({ host, registryUrl }, deps);
}

const byName = (checks: Awaited<ReturnType<ReturnType<typeof setup>>>) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('runDoctor deadlines (a quarter of AWS_ECR_COMMAND_TIMEOUT, at least 2 s)', () => {
  it('a credential chain that never answers: aws-credentials FAIL at the deadline, STS and ECR skipped', async () => {
    const run = setup({ AWS_ECR_COMMAND_TIMEOUT: '4' }, fakeDiagnostics({ resolveCredentials: never }));
    const started = Date.now();
    const checks = byName(await run(HOST));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(checks['aws-credentials']).toMatchObject({ status: 'FAIL', detail: 'the AWS credential chain gave no credentials within 2 s' });
    expect(checks['sts-identity']?.status).toBe('SKIP');
    expect(checks['ecr-token']?.status).toBe('SKIP');
  });

  it('a token source that never answers: ecr-token FAIL naming the ECR endpoint', async () => {
    const stuck: TokenSource = { getAuthorizationToken: never };
    const run = setup({ AWS_ECR_COMMAND_TIMEOUT: '4' }, fakeDiagnostics(), stuck);
    const checks = byName(await run(HOST));
    expect(checks['ecr-token']).toMatchObject({
      status: 'FAIL',
      detail: 'the ECR API (https://api.ecr.us-west-2.amazonaws.com) did not answer within 2 s',
    });
    expect(checks['sts-identity']?.status).toBe('OK');
  });
});

describe('runDoctor: the registry check has the deadline too', () => {
  it('a registry that never answers: registry FAIL at the deadline, and the report comes before the command deadline', async () => {
    const run = setup({ AWS_ECR_COMMAND_TIMEOUT: '4' }, fakeDiagnostics({ httpGet: never }));
    const started = Date.now();
    const checks = byName(await run(HOST));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(checks.registry).toMatchObject({
      status: 'FAIL',
      detail: `GET https://${HOST}/v2/ (and its token service, if it has one) did not answer within 2 s`,
    });
    expect(checks.proxy?.status).toBe('OK');
  });

  it('each request is given at most the deadline: four slow answers of a Bearer exchange still end in time', async () => {
    const timeouts: number[] = [];
    const httpGet: AwsDiagnostics['httpGet'] = async (_url, _authorization, timeoutMs) => {
      timeouts.push(timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 600));
      return { status: 401, challenge: 'Bearer realm="https://auth.example/token"', body: '' };
    };
    const run = setup({ AWS_ECR_COMMAND_TIMEOUT: '4' }, fakeDiagnostics({ httpGet }));
    const started = Date.now();
    const checks = byName(await run(HOST));
    expect(Date.now() - started).toBeLessThan(3500);
    expect(checks.registry?.status).toBe('FAIL');
    expect(Math.max(...timeouts)).toBeLessThanOrEqual(2000);
  });
});

describe('runDoctor cache check with the keychain backend', () => {
  it('an unusable keychain: cache FAIL (nothing can be cached), not OK with "no cached token"', async () => {
    const keychain = createFakeKeychain();
    keychain.unavailable = true;
    const env = { AWS_ECR_DISABLE_CACHE: '', AWS_ECR_CACHE_BACKEND: 'keychain' };
    const checks = byName(await setup(env, fakeDiagnostics(), undefined, keychain)(HOST));
    expect(checks.cache).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('keychain backend: nothing is cached, as the keychain is not usable (see keychain)'),
      fix: 'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file',
    });
    expect(checks.keychain?.status).toBe('FAIL');
    keychain.unavailable = false;
    const usable = byName(await setup(env, fakeDiagnostics(), undefined, keychain)(HOST));
    expect(usable.cache).toMatchObject({ status: 'OK', detail: expect.stringContaining('keychain backend; no cached token') });
  });
});

describe('runDoctor keychain check: whether a token fits one item here', () => {
  it.each<[string, NodeJS.Platform, number | undefined, string]>([
    ['Windows', 'win32', undefined, 'a token is split into 2 parts and a header of at most 2560 bytes each here'],
    ['macOS', 'darwin', undefined, 'holds a token in one item (at most 16384 bytes each here)'],
    ['Linux', 'linux', undefined, 'holds a token in one item (no size limit here)'],
    [
      'Linux with AWS_ECR_KEYCHAIN_ITEM_BYTES=600',
      'linux',
      600,
      'a token is split into 6 parts and a header of at most 600 bytes each here',
    ],
  ])('%s: %s', async (_what, platform, chosen, fit) => {
    const keychain = createSplitKeychain(createFakeKeychainBlobs(), { platform, maxItemBytes: resolveKeychainItemLimit(platform, chosen) });
    const checks = byName(await setup({ AWS_ECR_CACHE_BACKEND: 'keychain' }, fakeDiagnostics(), undefined, keychain)(HOST));
    expect(checks.keychain).toMatchObject({
      status: 'OK',
      detail: `Secret Service (D-Bus) usable; 0 stored logins for registries that are not ECR (AWS_ECR_CACHE_BACKEND=keychain keeps tokens there); ${fit}`,
    });
  });
});

describe('runDoctor never shows a password given in a URL', () => {
  it('--registry-url with a user and password: the report shows the URL without them', async () => {
    const run = setup({}, fakeDiagnostics());
    const checks = await run(HOST, 'https://me:hunter2@registry.example.com');
    expect(byName(checks).registry?.status).toBe('OK');
    expect(JSON.stringify(checks)).not.toContain('hunter2');
  });

  it('an AWS endpoint with a user and password that does not answer: named without them', async () => {
    const run = setup(
      { AWS_ECR_COMMAND_TIMEOUT: '4', AWS_ENDPOINT_URL_STS: 'https://me:hunter2@sts.example.com' },
      fakeDiagnostics({ getCallerIdentity: never }),
    );
    const checks = await run(HOST);
    expect(byName(checks)['sts-identity']?.status).toBe('FAIL');
    expect(JSON.stringify(checks)).not.toContain('hunter2');
  });
});

describe('runDoctor registry answers', () => {
  it.each([
    [200, 'OK', `GET https://${HOST}/v2/: 401 without credentials, 200 with the token`],
    [401, 'FAIL', 'the registry refused the token (a token for account 123456789012 in us-west-2)'],
    [403, 'FAIL', 'the registry refused the token'],
    [500, 'FAIL', '500 with the token, not 200: this is not a registry answering as ECR does'],
  ])('%s with the token: %s', async (status, expected, detail) => {
    const run = setup(
      {},
      fakeDiagnostics({
        httpGet: async (_url, authorization) => ({ status: authorization ? status : 401, challenge: 'Basic realm="x"', body: '' }),
      }),
    );
    const registry = byName(await run(HOST)).registry;
    expect(registry?.status).toBe(expected);
    expect(registry?.detail).toContain(detail);
  });
});

describe('runDoctor with a registry that challenges with Bearer (ECR Public)', () => {
  const PUBLIC = 'public.ecr.aws';
  const challenge = 'Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"';

  function bearerRegistry(tokenService: (authorization: string | undefined) => { status: number; body: string }) {
    const asked: string[] = [];
    const httpGet: AwsDiagnostics['httpGet'] = async (url, authorization) => {
      asked.push(`${url} ${authorization?.split(' ')[0] ?? '-'}`);
      if (url.startsWith('https://public.ecr.aws/token/')) return { ...tokenService(authorization), challenge: undefined };
      return authorization === 'Bearer bearer-1' ? { status: 200, challenge: undefined, body: '{}' } : { status: 401, challenge, body: '' };
    };
    return { asked, httpGet };
  }

  it('exchanges the token at the token service (Basic), then GET /v2/ with the bearer token: OK', async () => {
    const { asked, httpGet } = bearerRegistry((auth) =>
      auth?.startsWith('Basic ') ? { status: 200, body: '{"token":"bearer-1"}' } : { status: 401, body: '' },
    );
    const registry = byName(await setup({}, fakeDiagnostics({ httpGet }))(PUBLIC)).registry;
    expect(registry).toMatchObject({
      status: 'OK',
      detail: "GET https://public.ecr.aws/v2/: 401 without credentials, 200 with the token (through the registry's token service)",
    });
    expect(asked).toEqual([
      'https://public.ecr.aws/v2/ -',
      'https://public.ecr.aws/v2/ Basic',
      'https://public.ecr.aws/token/?service=public.ecr.aws Basic',
      'https://public.ecr.aws/v2/ Bearer',
    ]);
  });

  it('the token service refuses the token: FAIL naming it', async () => {
    const { httpGet } = bearerRegistry(() => ({ status: 401, body: '' }));
    const registry = byName(await setup({}, fakeDiagnostics({ httpGet }))(PUBLIC)).registry;
    expect(registry).toMatchObject({
      status: 'FAIL',
      detail:
        'GET https://public.ecr.aws/v2/: 401 without credentials; its token service https://public.ecr.aws/token/ answered 401 to the token',
    });
  });
});

describe('runDoctor proxy', () => {
  it('names the variable that chose the proxy, with its password masked', async () => {
    const proxy = 'http://user:hunter2@proxy.example:3128';
    const run = setup({ HTTPS_PROXY: proxy }, fakeDiagnostics({ proxyFor: async () => proxy }));
    const check = byName(await run(HOST)).proxy;
    expect(check?.status).toBe('OK');
    expect(check?.detail).toContain('api.ecr.us-west-2.amazonaws.com: through http://[REDACTED]@proxy.example:3128 (HTTPS_PROXY)');
    expect(check?.detail).not.toContain('hunter2');
  });

  it('a proxy setting that is not a URL: FAIL', async () => {
    const run = setup({ HTTPS_PROXY: 'http://[bad' }, fakeDiagnostics({ proxyFor: async () => 'http://[bad' }));
    expect(byName(await run(HOST)).proxy).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('HTTPS_PROXY=http://[bad is not a URL'),
    });
  });
});

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws"',
      { realm: 'https://public.ecr.aws/token/', service: 'public.ecr.aws' },
    ],
    ['Basic realm="x"', { realm: 'x' }],
    ['Bearer ="orphan",Realm="a b",scope=unquoted,x="unclosed', { realm: 'a b' }],
  ])('%s', (challenge, params) => {
    expect(parseChallenge(challenge).params).toEqual(params);
  });

  it('reads parameters as `(\\w+)="([^"]*)"` did (differential, 5000 random challenges)', () => {
    const reference = (challenge: string): Record<string, string> => {
      const params: Record<string, string> = {};
      for (const [, key, value] of challenge.matchAll(/(\w+)="([^"]*)"/g))
        if (key !== undefined && value !== undefined) params[key.toLowerCase()] = value;
      return params;
    };
    const random = seededRandom(401);
    for (let n = 0; n < 5000; n++) {
      const challenge = randomText(random, ['a', 'B', '_', '=', '"', ',', ' ', '="', 'realm', '-'], 12);
      expect([challenge, parseChallenge(challenge).params]).toEqual([challenge, reference(challenge)]);
    }
  });

  it.each(['0', 'a=', '="', 'a="'])('64 KiB of %j in well under a second', (unit) => {
    const started = performance.now();
    parseChallenge(`Bearer ${unit.repeat(65536 / unit.length)}`);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
