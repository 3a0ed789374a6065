import type * as http from 'node:http';
import type { AgentConnectOpts } from 'agent-base';
import { PROXY_ENV_VARS } from '../config';

type SdkClients = typeof import('./sdk-clients');

/**
 * The proxy HTTPS_PROXY & co. and NO_PROXY choose for `protocol//hostname:port` ('': direct).
 * The URL goes to proxy-from-env as its parts (what url.parse would give), not as a string:
 * proxy-from-env parses strings with the deprecated url.parse, which Bun (the single-file
 * executable) reports on stderr (DEP0169) on every call.
 */
export function chooseProxy(sdk: SdkClients, protocol: string, hostname: string, port: string): string {
  return sdk.getProxyForUrl({ protocol, host: `${hostname}:${port}`, port } as Parameters<SdkClients['getProxyForUrl']>[0]);
}

/**
 * Whether the environment may send an AWS call through a proxy (`createProxyAgent` then decides
 * per connection): without any of `PROXY_ENV_VARS` set, no connection goes through one.
 */
export function isProxyConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return PROXY_ENV_VARS.some((name) => Boolean(env[name]));
}

/**
 * An HTTP(S) agent for the AWS calls that honours `HTTPS_PROXY`/`https_proxy`,
 * `HTTP_PROXY`/`http_proxy`, `ALL_PROXY` and `NO_PROXY`/`no_proxy`, as the Go helper and the
 * AWS CLI do — the SDK for JavaScript ignores them, and corporate CI runners depend on them.
 * The proxy is chosen per connection by proxy-from-env (which reads those variables itself, as
 * the SDK reads its own); a proxied connection is a CONNECT tunnel through https-proxy-agent,
 * any other goes out directly.
 */
export function createProxyAgent(sdk: SdkClients): http.Agent {
  const tunnels = new Map<string, http.Agent>();
  const globalAgents = sdk.loadGlobalAgents();
  class EnvironmentProxyAgent extends sdk.loadAgentBase() {
    override connect(_request: http.ClientRequest, options: AgentConnectOpts): http.Agent {
      const proxy = chooseProxy(sdk, options.secureEndpoint ? 'https:' : 'http:', String(options.host), String(options.port));
      if (!proxy) return options.secureEndpoint ? globalAgents.https : globalAgents.http;
      let tunnel = tunnels.get(proxy);
      if (!tunnel) {
        tunnel = new (sdk.loadHttpsProxyAgent())(proxy);
        tunnels.set(proxy, tunnel);
      }
      return tunnel;
    }
  }
  return new EnvironmentProxyAgent();
}
