import type * as http from 'node:http';
import type { AgentConnectOpts } from 'agent-base';

type SdkClients = typeof import('./sdk-clients');

/** The fields of a parsed URL that proxy-from-env reads. */
function urlParts(protocol: string, host: string, port: string): Parameters<SdkClients['getProxyForUrl']>[0] {
  return { protocol, host, port } as Parameters<SdkClients['getProxyForUrl']>[0];
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
  class EnvironmentProxyAgent extends sdk.AgentBase {
    override connect(_request: http.ClientRequest, options: AgentConnectOpts): http.Agent {
      // The URL as its parts (what url.parse would give for `scheme://host:port`), not as a
      // string: proxy-from-env parses strings with the deprecated url.parse, which Bun (the
      // single-file executable) reports on stderr (DEP0169) on every call.
      const proxy = sdk.getProxyForUrl(
        urlParts(options.secureEndpoint ? 'https:' : 'http:', `${options.host}:${options.port}`, String(options.port)),
      );
      if (!proxy) return options.secureEndpoint ? sdk.httpsGlobalAgent : sdk.httpGlobalAgent;
      let tunnel = tunnels.get(proxy);
      if (!tunnel) {
        tunnel = new sdk.HttpsProxyAgent(proxy);
        tunnels.set(proxy, tunnel);
      }
      return tunnel;
    }
  }
  return new EnvironmentProxyAgent();
}
