import { Readable } from 'node:stream';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createEcrTokenSource } from '../../../src/aws/create-ecr-token-source';
import type { AssumeRole, TokenRequestOptions } from '../../../src/aws/token-source';
import { parseConfig } from '../../../src/config';
import { parseRegistry, type Registry } from '../../../src/registry/parse-registry';
import { formatEcrEndpoint, formatStsEndpoint, PARTITIONS, usesDualStack } from '../../../src/registry/partitions';
import { createMemoryLogger } from '../../helpers/fakes';

/*
 * Dual-stack without a switch (issue 22.3): a dual-stack registry host gets its token from the
 * dual-stack API endpoint of its partition, and its roles from the dual-stack STS; any other
 * host keeps what AWS_USE_DUALSTACK_ENDPOINT says; a configured endpoint URL wins over both.
 * The requests are captured, never sent; the SDK's own endpoint rules pick the hosts.
 */

const token = Buffer.from('AWS:s3cr3t-password').toString('base64');
const expires = Math.floor(Date.now() / 1000) + 43200;
const ROLE = 'arn:aws:iam::123456789012:role/pull';
const CREDENTIALS =
  '<Credentials><AccessKeyId>ASIAROLEKEY</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>s</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>';

/** STS (XML, by the form's Action) or ECR / ECR Public (JSON) answers; records each request's host. */
function capturingHandler(hosts: string[]) {
  const body = (text: string) => Readable.from([Buffer.from(text)]);
  return {
    async handle(request: { hostname: string; headers: Record<string, string>; body?: unknown }) {
      hosts.push(request.hostname);
      const target = request.headers['x-amz-target'] ?? '';
      if (target === '') {
        const action = new URLSearchParams(String(request.body)).get('Action') ?? '';
        const xml = `<${action}Response><${action}Result>${CREDENTIALS}<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></${action}Result></${action}Response>`;
        return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: body(xml) } };
      }
      const data = { authorizationToken: token, expiresAt: expires };
      const json = target.startsWith('SpencerFrontendService') ? { authorizationData: data } : { authorizationData: [data] };
      return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: body(JSON.stringify(json)) } };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}

function registry(host: string): Registry {
  const r = parseRegistry(host);
  if (!r) throw new Error(`not a registry: ${host}`);
  return r;
}

/** Runs `fn` with these variables in process.env (where the SDK reads them), restoring it after. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The hosts one token request reached, and the endpoint the token source says it used. */
async function hostsOf(host: string, request: TokenRequestOptions = {}, env: Record<string, string> = {}) {
  const hosts: string[] = [];
  const source = createEcrTokenSource({
    logger: createMemoryLogger(),
    retry: parseConfig({}, '/home/u').retry,
    requestHandler: capturingHandler(hosts) as never,
    ...(request.webIdentity ? {} : { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } }),
  });
  const result = await withEnv(env, () => source.getAuthorizationToken(registry(host), request));
  expect(result.password).toBe('s3cr3t-password');
  return { hosts, endpoint: result.endpoint };
}

// The machine's ~/.aws/config (use_dualstack_endpoint, endpoint_url) must not decide anything here.
let restoreFiles: () => void = () => undefined;
beforeAll(() => {
  const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
  process.env.AWS_CONFIG_FILE = '/nonexistent/ecr-login-test/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/ecr-login-test/credentials';
  restoreFiles = () => {
    for (const [name, value] of [
      ['AWS_CONFIG_FILE', saved.config],
      ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
});
afterAll(() => restoreFiles());

const assumeRole: AssumeRole = { roleArn: ROLE, sessionName: 's', cached: (assume) => assume() };
const webIdentity = { roleArn: ROLE, token: 'projected.sa.token' };

describe('the token of a registry host comes from the endpoint its name implies', () => {
  it.each([
    // host, ECR API host, STS host of its roles
    ['123456789012.dkr-ecr.us-west-2.on.aws', 'ecr.us-west-2.api.aws', 'sts.us-west-2.api.aws'],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', 'ecr-fips.us-east-1.api.aws', 'sts.us-east-1.api.aws'],
    ['123456789012.dkr-ecr.us-gov-west-1.on.aws', 'ecr.us-gov-west-1.api.aws', 'sts.us-gov-west-1.api.aws'],
    ['123456789012.dkr-ecr-fips.us-gov-west-1.on.aws', 'ecr-fips.us-gov-west-1.api.aws', 'sts.us-gov-west-1.api.aws'],
    [
      '123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn',
      'ecr.cn-north-1.api.amazonwebservices.com.cn',
      'sts.cn-north-1.api.amazonwebservices.com.cn',
    ],
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', 'api.ecr.us-west-2.amazonaws.com', 'sts.us-west-2.amazonaws.com'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'api.ecr-fips.us-east-1.amazonaws.com', 'sts.us-east-1.amazonaws.com'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'api.ecr.cn-north-1.amazonaws.com.cn', 'sts.cn-north-1.amazonaws.com.cn'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'api.ecr.us-iso-east-1.c2s.ic.gov', 'sts.us-iso-east-1.c2s.ic.gov'],
  ])('%s: ECR at %s, its roles at %s; doctor names the same', async (host, ecrHost, stsHost) => {
    const plain = await hostsOf(host);
    expect(plain).toEqual({ hosts: [ecrHost], endpoint: `https://${ecrHost}` });
    // What doctor says the endpoint is, before any call, is where the call went.
    const r = registry(host);
    expect(formatEcrEndpoint(r, { dualStack: usesDualStack(r, false) })).toBe(`https://${ecrHost}`);
    expect(formatStsEndpoint(r.region, { dualStack: usesDualStack(r, false) })).toBe(`https://${stsHost}`);
    // A role of the registry's settings (AssumeRole) and kubelet's service-account role follow the registry.
    expect((await hostsOf(host, { assumeRole })).hosts).toEqual([stsHost, ecrHost]);
    expect((await hostsOf(host, { webIdentity })).hosts).toEqual([stsHost, ecrHost]);
  });

  it.each([
    ['ecr-public.aws.com', 'ecr-public.us-east-1.api.aws'],
    ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com'],
  ])('ECR Public %s: at %s', async (host, ecrHost) => {
    expect(await hostsOf(host)).toEqual({ hosts: [ecrHost], endpoint: `https://${ecrHost}` });
    expect(formatEcrEndpoint(registry(host), { dualStack: usesDualStack(registry(host), false) })).toBe(`https://${ecrHost}`);
  });
});

describe('AWS_USE_DUALSTACK_ENDPOINT keeps its meaning for the other hosts; a configured endpoint wins', () => {
  const IPV4 = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
  const DUAL = '123456789012.dkr-ecr.us-west-2.on.aws';
  it.each<[string, string, Record<string, string>, string[]]>([
    ['an IPv4 host, AWS_USE_DUALSTACK_ENDPOINT=true', IPV4, { AWS_USE_DUALSTACK_ENDPOINT: 'true' }, ['ecr.us-west-2.api.aws']],
    ['an IPv4 host, AWS_USE_DUALSTACK_ENDPOINT=false', IPV4, { AWS_USE_DUALSTACK_ENDPOINT: 'false' }, ['api.ecr.us-west-2.amazonaws.com']],
    ['a dual-stack host, AWS_USE_DUALSTACK_ENDPOINT=false', DUAL, { AWS_USE_DUALSTACK_ENDPOINT: 'false' }, ['ecr.us-west-2.api.aws']],
    ['an IPv4 host, AWS_USE_FIPS_ENDPOINT=true', IPV4, { AWS_USE_FIPS_ENDPOINT: 'true' }, ['api.ecr-fips.us-west-2.amazonaws.com']],
    ['a dual-stack host, AWS_ENDPOINT_URL_ECR', DUAL, { AWS_ENDPOINT_URL_ECR: 'https://127.0.0.9:4443' }, ['127.0.0.9']],
    ['a dual-stack host, AWS_ENDPOINT_URL', DUAL, { AWS_ENDPOINT_URL: 'https://127.0.0.9:4443' }, ['127.0.0.9']],
  ])('%s: %s', async (_what, host, env, hosts) => {
    expect((await hostsOf(host, {}, env)).hosts).toEqual(hosts);
  });

  it('a dual-stack host with AWS_ENDPOINT_URL_STS: its role at that endpoint, its token at the dual-stack ECR', async () => {
    const env = { AWS_ENDPOINT_URL_STS: 'https://127.0.0.8:4443' };
    expect((await hostsOf(DUAL, { assumeRole }, env)).hosts).toEqual(['127.0.0.8', 'ecr.us-west-2.api.aws']);
    expect((await hostsOf(DUAL, { webIdentity }, env)).hosts).toEqual(['127.0.0.8', 'ecr.us-west-2.api.aws']);
  });

  it.each([
    [IPV4, false, false],
    [IPV4, true, true],
    [DUAL, false, true],
    ['123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn', false, true],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', false, true],
    ['public.ecr.aws', false, false],
    ['ecr-public.aws.com', false, true],
  ])('usesDualStack(%s, env %s) is %s', (host, env, dualStack) => {
    expect(usesDualStack(registry(host), env)).toBe(dualStack);
  });

  it('config: AWS_USE_DUALSTACK_ENDPOINT is read as the SDK reads it, and a value it refuses is told', () => {
    expect(parseConfig({ AWS_USE_DUALSTACK_ENDPOINT: 'true' }, '/h')).toMatchObject({ useDualstackEndpoint: true, warnings: [] });
    expect(parseConfig({ AWS_USE_DUALSTACK_ENDPOINT: 'false' }, '/h')).toMatchObject({ useDualstackEndpoint: false, warnings: [] });
    expect(parseConfig({}, '/h')).toMatchObject({ useDualstackEndpoint: false, warnings: [] });
    expect(parseConfig({ AWS_USE_DUALSTACK_ENDPOINT: 'yes' }, '/h')).toMatchObject({
      useDualstackEndpoint: false,
      warnings: ['AWS_USE_DUALSTACK_ENDPOINT=yes is neither true nor false, the only values the AWS SDK takes'],
    });
  });
});

describe("the partition table's endpoints are the SDK's own", () => {
  /** The host the SDK's endpoint rules send one request of `client` to. */
  async function sdkHost(send: (handler: ReturnType<typeof capturingHandler>) => Promise<unknown>): Promise<string | undefined> {
    const hosts: string[] = [];
    await send(capturingHandler(hosts)).catch(() => undefined);
    return hosts[0];
  }
  // A real region of each partition (the SDK's partitions.json matches them by pattern).
  const REGION_OF: Readonly<Record<string, string>> = {
    aws: 'us-west-2',
    'aws-cn': 'cn-north-1',
    'aws-us-gov': 'us-gov-west-1',
    'aws-iso': 'us-iso-east-1',
    'aws-iso-b': 'us-isob-east-1',
    'aws-iso-e': 'eu-isoe-west-1',
    'aws-iso-f': 'us-isof-south-1',
    'aws-eusc': 'eusc-de-east-1',
  };
  const regions = PARTITIONS.map((p) => [p.id, REGION_OF[p.id] ?? `no region for ${p.id}`] as const);
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  it.each(
    regions.flatMap(([id, region]) =>
      [false, true].flatMap((fips) => [false, true].map((dualStack) => [id, region, fips, dualStack] as const)),
    ),
  )('%s (%s), FIPS %s, dual-stack %s', async (_id, region, fips, dualStack) => {
    const options = { region, useFipsEndpoint: fips, useDualstackEndpoint: dualStack, credentials, maxAttempts: 1 };
    const ecr = await sdkHost((requestHandler) => new ECRClient({ ...options, requestHandler }).send(new GetAuthorizationTokenCommand({})));
    expect(`https://${ecr}`).toBe(formatEcrEndpoint({ region }, { fips, dualStack }));
    if (fips) return; // The helper never asks STS for FIPS.
    const sts = await sdkHost((requestHandler) =>
      new STSClient({ ...options, requestHandler }).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 's' })),
    );
    expect(`https://${sts}`).toBe(formatStsEndpoint(region, { dualStack }));
  });
});
