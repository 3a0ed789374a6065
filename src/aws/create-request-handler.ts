import type * as http from 'node:http';
import type { HttpHandler } from '@smithy/core/protocols';
import { createProxyAgent, isProxyConfigured } from './create-proxy-agent';

type SdkClients = typeof import('./sdk-clients');

/**
 * Kubelet kills a plugin after a minute and people wait on docker: bounded timeouts, so that
 * an unreachable or silent endpoint fails in seconds rather than hanging. ECR answers in well
 * under a second. `throwOnRequestTimeout`: without it, @smithy/node-http-handler 4.x only
 * prints a warning when `requestTimeout` passes and keeps waiting. Both handlers bound by it
 * the wait for the response's headers (fetch, which has no connection timeout: a connection
 * that never opens included); a body that stalls after them ends at the command deadline.
 */
const TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true };

/** Where `createRequestHandler` may send with the runtime's own fetch: the environment its proxy variables are read from. */
export interface NativeFetch {
  readonly env: NodeJS.ProcessEnv;
}

/** The SDK's Node handler, as options it builds it from: the timeouts and `agent` (the proxy agent, `createProxyAgent`). */
export function nodeHandlerOptions(agent: http.Agent) {
  return { ...TIMEOUTS, httpAgent: agent, httpsAgent: agent };
}

/**
 * The request handler of the token source's AWS calls, honouring HTTPS_PROXY & co. and
 * NO_PROXY as proxy-from-env reads them (see `createProxyAgent`). On Node: the SDK's Node
 * handler with the proxy agent. With `nativeFetch` (the executable: Bun's fetch is native,
 * while its node:http costs ~4 ms to load): fetch when no proxy variable is set at all, else
 * the same Node handler. Not fetch through a proxy: Bun 1.4 drops a `proxy` given in a
 * Request's init (FetchHttpHandler builds a Request), and its fetch then follows
 * HTTP(S)_PROXY and NO_PROXY by rules of its own — it ignores npm_config_https_proxy, and
 * matches NO_PROXY by suffix where proxy-from-env does not — so a call could go direct that
 * must go through the proxy (found by a review; proxy.test.ts holds the npm_config case).
 */
export function createRequestHandler(
  sdk: SdkClients,
  nativeFetch: NativeFetch | undefined,
): HttpHandler | ReturnType<typeof nodeHandlerOptions> {
  if (nativeFetch && !isProxyConfigured(nativeFetch.env)) {
    return new (sdk.loadFetchHttpHandler())({ requestTimeout: TIMEOUTS.requestTimeout });
  }
  return nodeHandlerOptions(createProxyAgent(sdk));
}
