import { createEcrTokenSource, parseAuthorizationToken } from '../../../src/aws/create-ecr-token-source';
import { parseConfig } from '../../../src/config';
import { TokenFetchError } from '../../../src/errors';
import { parseRegistry, type Registry } from '../../../src/registry/parse-registry';
import { createMemoryLogger } from '../../helpers/fakes';
import { seededRandom } from '../../helpers/seeded-random';

interface Captured {
  hostname: string;
  target: string;
  body: string;
  authorization: string;
}

/** An STS AssumeRoleWithWebIdentity answer (STS speaks XML). */
const STS_REPLY =
  '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>' +
  '<AccessKeyId>ASIAROLEKEY</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-session</SessionToken>' +
  '<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/ecr-credential-provider</Arn>' +
  '<AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>';

/** A request handler that records the signed request and answers like ECR (or STS), without a network. */
function capturingHandler(captured: Captured[], reply: (target: string) => unknown) {
  return {
    async handle(request: { hostname: string; headers: Record<string, string>; body?: unknown }) {
      const target = request.headers['x-amz-target'] ?? '';
      if (request.hostname.startsWith('sts.')) {
        captured.push({
          hostname: request.hostname,
          target: 'sts',
          body: String(request.body),
          authorization: request.headers.authorization ?? '',
        });
        const { Readable } = await import('node:stream');
        return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(STS_REPLY)]) } };
      }
      captured.push({
        hostname: request.hostname,
        target,
        body: new TextDecoder().decode(request.body as Uint8Array),
        authorization: request.headers.authorization ?? '',
      });
      const { Readable } = await import('node:stream');
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: Readable.from([Buffer.from(JSON.stringify(reply(target)))]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}

/** The retry settings of an environment that sets none. */
const DEFAULT_RETRY = parseConfig({}, '/home/u').retry;

const token = Buffer.from('AWS:s3cr3t-password').toString('base64');
const expires = Math.floor(Date.now() / 1000) + 43200;

function registry(host: string): Registry {
  const r = parseRegistry(host);
  if (!r) throw new Error(`not a registry: ${host}`);
  return r;
}

describe('createEcrTokenSource: endpoints and signing region come from the host', () => {
  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', 'api.ecr.us-west-2.amazonaws.com', 'us-west-2/ecr'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'api.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1/ecr'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'api.ecr-fips.us-gov-west-1.amazonaws.com', 'us-gov-west-1/ecr'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'api.ecr-fips.us-east-1.amazonaws.com', 'us-east-1/ecr'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'api.ecr.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1/ecr'],
    ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com', 'us-east-1/ecr-public'],
  ])('%s -> %s', async (host, expectedHost, scope) => {
    const captured: Captured[] = [];
    const source = createEcrTokenSource({
      logger: createMemoryLogger(),
      retry: DEFAULT_RETRY,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: capturingHandler(captured, (target) =>
        target.startsWith('SpencerFrontendService')
          ? { authorizationData: { authorizationToken: token, expiresAt: expires } }
          : { authorizationData: [{ authorizationToken: token, expiresAt: expires }] },
      ) as never,
    });
    const result = await source.getAuthorizationToken(registry(host));
    expect(result).toEqual({
      username: 'AWS',
      password: 's3cr3t-password',
      expiresAt: new Date(expires * 1000),
      endpoint: `https://${expectedHost}`,
    });
    expect(captured).toHaveLength(1);
    expect(captured[0]?.hostname).toBe(expectedHost);
    expect(captured[0]?.authorization).toContain(`/${scope}/aws4_request`);
    if (host !== 'public.ecr.aws') expect(JSON.parse(captured[0]?.body ?? '{}')).toEqual({ registryIds: ['123456789012'] });
  });
});

describe('parseAuthorizationToken', () => {
  const at = new Date(Date.UTC(2030, 0, 1));
  it('splits base64 "AWS:<password>" at the first colon', () => {
    const encoded = Buffer.from('AWS:pass:with:colons').toString('base64');
    expect(parseAuthorizationToken(encoded, at)).toEqual({ username: 'AWS', password: 'pass:with:colons', expiresAt: at });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'empty'],
    ['not base64 at all!', 'not base64'],
    [Buffer.from('no-colon').toString('base64'), 'no colon'],
    [Buffer.from(':password').toString('base64'), 'no user'],
    [Buffer.from('AWS:').toString('base64'), 'no password'],
  ])('rejects %j (%s)', (encoded: string | undefined, _why: string) => {
    expect(() => parseAuthorizationToken(encoded, at)).toThrow(TokenFetchError);
  });

  it('keeps a token without an expiry, marked as such (it is then used once, never cached)', () => {
    expect(parseAuthorizationToken(Buffer.from('AWS:x').toString('base64'), undefined)).toEqual({
      username: 'AWS',
      password: 'x',
      expiresAt: undefined,
    });
    expect(parseAuthorizationToken(Buffer.from('AWS:x').toString('base64'), new Date(Number.NaN))).toMatchObject({ expiresAt: undefined });
  });
});

describe('createEcrTokenSource with a web identity (kubelet service-account mode)', () => {
  it.each([
    ['123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'sts.eu-central-1.amazonaws.com'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'sts.cn-north-1.amazonaws.com.cn'],
  ])('%s: AssumeRoleWithWebIdentity at %s, then ECR signed with the role’s keys', async (host, stsHost) => {
    const captured: Captured[] = [];
    const source = createEcrTokenSource({
      logger: createMemoryLogger(),
      retry: DEFAULT_RETRY,
      requestHandler: capturingHandler(captured, () => ({
        authorizationData: [{ authorizationToken: token, expiresAt: expires }],
      })) as never,
    });
    const result = await source.getAuthorizationToken(registry(host), {
      webIdentity: { roleArn: 'arn:aws:iam::123456789012:role/pull', token: 'projected.sa.token' },
    });
    expect(result.password).toBe('s3cr3t-password');
    expect(captured.map((c) => c.hostname)).toEqual([stsHost, host.replace(/^\d+\.dkr\./, 'api.')]);
    const form = new URLSearchParams(captured[0]?.body);
    expect(Object.fromEntries(['Action', 'RoleArn', 'RoleSessionName', 'WebIdentityToken'].map((k) => [k, form.get(k)]))).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: 'arn:aws:iam::123456789012:role/pull',
      RoleSessionName: 'ecr-credential-provider',
      WebIdentityToken: 'projected.sa.token',
    });
    expect(captured[1]?.authorization).toContain('Credential=ASIAROLEKEY/');
  });
});

describe('createEcrTokenSource: retries (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) with full-jitter waits', () => {
  /** ECR throttling the first `throttles` calls (HTTP 400, ThrottlingException, as ECR answers), then a token. */
  function throttlingHandler(throttles: number, calls: { n: number }) {
    return {
      async handle() {
        calls.n += 1;
        const { Readable } = await import('node:stream');
        const throttled = calls.n <= throttles;
        const body = throttled
          ? { __type: 'ThrottlingException', message: 'Rate exceeded' }
          : { authorizationData: [{ authorizationToken: token, expiresAt: expires }] };
        return {
          response: {
            statusCode: throttled ? 400 : 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
  }
  const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
  const sourceWith = (env: Record<string, string>, throttles: number, calls: { n: number }) =>
    createEcrTokenSource({
      logger: createMemoryLogger(),
      // Waits of at most 5 ms: the test is about how many attempts, not how long.
      retry: parseConfig({ AWS_ECR_MAX_BACKOFF: '0.005', ...env }, '/home/u').retry,
      random: seededRandom(20),
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: throttlingHandler(throttles, calls) as never,
    });

  it.each<[string, Record<string, string>, number, number, 'token' | 'throttled']>([
    ['the default: 3 attempts, 2 throttles pass', {}, 2, 3, 'token'],
    ['the default: 3 attempts, 4 throttles do not', {}, 4, 3, 'throttled'],
    ['AWS_MAX_ATTEMPTS=6: 4 throttles pass on the 5th attempt', { AWS_MAX_ATTEMPTS: '6' }, 4, 5, 'token'],
    ['AWS_MAX_ATTEMPTS=1: no retry at all', { AWS_MAX_ATTEMPTS: '1' }, 1, 1, 'throttled'],
    ['adaptive mode, AWS_MAX_ATTEMPTS=2', { AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'adaptive' }, 1, 2, 'token'],
  ])('%s', async (_what, env, throttles, attempts, outcome) => {
    const calls = { n: 0 };
    const result = sourceWith(env, throttles, calls).getAuthorizationToken(registry(HOST));
    if (outcome === 'token') await expect(result).resolves.toMatchObject({ password: 's3cr3t-password' });
    else await expect(result).rejects.toMatchObject({ reason: 'throttled' });
    expect(calls.n).toBe(attempts);
  });
});
