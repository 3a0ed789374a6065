import { startConnectProxy } from '../helpers/connect-proxy';
import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { ECR_API_HOST, startTlsRoute, type TlsRoute } from '../helpers/tls-route';

/*
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and the lower-case spellings) for the AWS calls, through
 * a real CONNECT proxy. The emulator speaks plain HTTP on loopback, so HTTP_PROXY is what
 * routes it; real AWS endpoints are HTTPS and take HTTPS_PROXY the same way.
 */

const HOST = '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com';

const emulator = useEmulator();

let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
beforeEach(async () => {
  proxy = await startConnectProxy();
});
afterEach(() => proxy.close());

const emulatorHostPort = () => new URL(emulator.url).host;

describe('AWS calls through a proxy', () => {
  it.each([
    ['HTTP_PROXY', { HTTP_PROXY: 'P', HTTPS_PROXY: 'P' }],
    ['http_proxy (lower case)', { http_proxy: 'P', https_proxy: 'P' }],
  ])('%s: the ECR call goes through a CONNECT tunnel, and succeeds', async (_what, variables) => {
    const env = { HOME: makeTempDir(), ...emulator.env(), ...Object.fromEntries(Object.entries(variables).map(([k]) => [k, proxy.url])) };
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(proxy.tunnels).toEqual([emulatorHostPort()]);
  });

  it.each([['NO_PROXY'], ['no_proxy']])('%s naming the endpoint: no tunnel, straight to it', async (variable) => {
    const env = { HOME: makeTempDir(), ...emulator.env(), HTTP_PROXY: proxy.url, [variable]: '127.0.0.1' };
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(proxy.tunnels).toEqual([]);
    expect(emulator.calls).toHaveLength(1);
  });

  it('a proxy that refuses connections: not-found, and the hint names the proxy setting', async () => {
    const env = { HOME: makeTempDir(), ...emulator.env(), HTTP_PROXY: 'http://127.0.0.1:9' };
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({
      code: 1,
      stdout: 'credentials not found in native keychain\n',
      stderr: `ecr-login: could not reach the ECR API for ${HOST} (ECONNREFUSED): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_ECR\n`,
    });
    expect(emulator.calls).toEqual([]);
  });
});

/*
 * As on a corporate network: HTTPS_PROXY, AWS's real endpoint name (no endpoint setting), and
 * the endpoint's certificate from a CA the process is told to trust. The proxy leads every
 * tunnel to an emulator serving TLS for that name, as an /etc/hosts entry would. The
 * executable sends these requests with fetch (createRequestHandler), Node with its agent.
 */
describe('an HTTPS endpoint through a proxy', () => {
  const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  let route: TlsRoute;
  beforeAll(async () => {
    route = await startTlsRoute(makeTempDir());
  });
  afterAll(() => route?.close());
  beforeEach(() => {
    route.emulator.reset();
    route.proxy.tunnels.length = 0;
  });

  it('the call goes through a CONNECT tunnel to the endpoint, whose certificate is checked against the trusted CA', async () => {
    const env = { HOME: makeTempDir(), ...route.keysEnv(), HTTPS_PROXY: route.proxy.url, NODE_EXTRA_CA_CERTS: route.caFile };
    const out = await runHelper(['get'], REGISTRY, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).Secret).toBe(route.emulator.issued[0]?.password);
    expect(route.proxy.tunnels).toEqual([`${ECR_API_HOST}:443`]);
  });

  it('a proxy named only as npm names it (npm_config_https_proxy, which Bun fetch ignores): still the tunnel', async () => {
    const env = { HOME: makeTempDir(), ...route.keysEnv(), npm_config_https_proxy: route.proxy.url, NODE_EXTRA_CA_CERTS: route.caFile };
    const out = await runHelper(['get'], REGISTRY, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(route.proxy.tunnels).toEqual([`${ECR_API_HOST}:443`]);
  });

  it('a certificate from a CA nobody trusts: no token, not-found, and nothing of the request answered', async () => {
    const env = { HOME: makeTempDir(), ...route.keysEnv(), HTTPS_PROXY: route.proxy.url };
    const out = await runHelper(['get'], REGISTRY, env);
    expect(out).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
    expect(out.stderr).toMatch(/^ecr-login: fetching a token for .* failed: \w*Error: unable to verify the first certificate\n$/);
    expect(route.proxy.tunnels[0]).toBe(`${ECR_API_HOST}:443`);
    expect(route.emulator.issued).toEqual([]);
  });
});
