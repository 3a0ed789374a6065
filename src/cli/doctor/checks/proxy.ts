import type { AwsDiagnostics } from '../../../aws/create-aws-diagnostics';
import { isProxyConfigured } from '../../../aws/create-proxy-agent';
import { PROXY_ENV_VARS } from '../../../config';
import type { Registry } from '../../../registry/parse-registry';
import { redact } from '../../../safe-text/redact';
import type { HelperServices } from '../../../services';
import { ecrEndpointOf, stsEndpointOf } from '../aws-endpoints';
import { type CheckResult, fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { messageOf } from '../doctor-check';

/** Which variable set `proxy`, for the report. */
function proxyVariable(services: HelperServices, proxy: string): string {
  const env = services.config.clientEnv;
  return PROXY_ENV_VARS.find((n) => env[n] === proxy) ?? 'the environment';
}

async function checkProxy(
  services: HelperServices,
  diagnostics: AwsDiagnostics,
  registry: Registry | undefined,
  region: string,
  registryUrl: string | undefined,
): Promise<CheckResult> {
  const name = 'proxy';
  const env = services.config.clientEnv;
  const noProxy = env.no_proxy ?? env.NO_PROXY;
  const endpoints = [
    ...new Set([
      ecrEndpointOf(registry, region, services),
      stsEndpointOf(region, services, registry),
      ...(registryUrl ? [registryUrl] : []),
    ]),
  ];
  const lines: string[] = [];
  let bad: string | undefined;
  for (const endpoint of endpoints) {
    let proxy: string | undefined;
    try {
      proxy = await diagnostics.proxyFor(endpoint);
    } catch (error) {
      bad = messageOf(error);
      continue;
    }
    const origin = new URL(endpoint).host;
    if (proxy === undefined) lines.push(`${origin}: direct${noProxy ? ` (NO_PROXY=${noProxy})` : ''}`);
    else {
      try {
        new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
      } catch {
        bad = `${proxyVariable(services, proxy)}=${redact(proxy)} is not a URL`;
      }
      lines.push(`${origin}: through ${redact(proxy)} (${proxyVariable(services, proxy)})`);
    }
  }
  if (bad) return fail(name, `${bad}\n${lines.join('\n')}`, 'set HTTPS_PROXY to a URL such as http://proxy.example:3128');
  const anySet = isProxyConfigured(env);
  return ok(
    name,
    anySet
      ? lines.join('\n')
      : `no proxy set (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY): ${endpoints.map((e) => new URL(e).host).join(', ')} direct`,
  );
}

/** Which proxy each endpoint goes through (the AWS APIs and the registry). */
export const proxyCheck: DoctorCheck = {
  name: 'proxy',
  async run({ services, diagnostics, registry, region, registryUrl }) {
    return { result: await checkProxy(services, diagnostics, registry, region, registryUrl) };
  },
};
