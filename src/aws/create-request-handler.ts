import type { HttpHandler, HttpRequest } from '@smithy/core/protocols';
import type { HttpHandlerOptions } from '@smithy/types';
import { chooseProxy, createProxyAgent, isProxyConfigured } from './create-proxy-agent';

type SdkClients = typeof import('./sdk-clients');

/**
 * Kubelet kills a plugin after a minute and people wait on docker: bounded timeouts, so that
 * an unreachable or silent endpoint fails in seconds rather than hanging. ECR answers in well
 * under a second. `throwOnRequestTimeout`: without it, @smithy/node-http-handler 4.x only
 * prints a warning when `requestTimeout` passes and keeps waiting. Both handlers bound by it
 * the wait for the response's headers (fetch, which has no connection timeout: a connection
 * that never opens included); a body that stalls after them ends at the command deadline.
 */
export const TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true };

/** Where `createRequestHandler` may send with the runtime's own fetch: the environment its proxy variables are read from. */
export interface NativeFetch {
  readonly env: NodeJS.ProcessEnv;
}

/** The SDK's Node handler, as options it builds it from: the timeouts and the proxy agent. */
function nodeHandlerOptions(sdk: SdkClients) {
  const agent = createProxyAgent(sdk);
  return { ...TIMEOUTS, httpAgent: agent, httpsAgent: agent };
}

/**
 * The request handler of the token source's AWS calls, honouring HTTPS_PROXY & co. and
 * NO_PROXY as proxy-from-env reads them (see `createProxyAgent`). On Node: the SDK's Node
 * handler with the proxy agent. With `nativeFetch` (the executable: Bun's fetch is native,
 * while its node:http costs ~4 ms to load): fetch for a request that goes direct with no
 * proxy variable set at all, and for an https request proxy-from-env sends through a proxy
 * (a CONNECT tunnel, named to fetch explicitly). The rest goes through the Node handler, made
 * on first use: a request that goes direct while proxy variables are set (Bun's fetch would
 * read HTTP(S)_PROXY by its own rules), and plain http through a proxy (fetch sends it in
 * absolute form, not through a tunnel).
 */
export function createRequestHandler(
  sdk: SdkClients,
  nativeFetch: NativeFetch | undefined,
): HttpHandler | ReturnType<typeof nodeHandlerOptions> {
  if (!nativeFetch) return nodeHandlerOptions(sdk);
  const proxied = isProxyConfigured(nativeFetch.env);
  const tunnelOf = (request: { readonly protocol: string; readonly hostname: string; readonly port?: number | undefined }): string =>
    proxied && request.protocol === 'https:' ? chooseProxy(sdk, 'https:', request.hostname, String(request.port ?? 443)) : '';
  const viaFetch = new (sdk.loadFetchHttpHandler())({
    requestTimeout: TIMEOUTS.requestTimeout,
    requestInit: (request) => {
      const proxy = tunnelOf(request);
      return (proxy ? { proxy } : {}) as RequestInit;
    },
  });
  if (!proxied) return viaFetch;

  let viaNode: HttpHandler | undefined;
  const updates: [key: never, value: never][] = [];
  const node = (): HttpHandler => {
    if (!viaNode) {
      viaNode = sdk.loadNodeHttpHandler().create(nodeHandlerOptions(sdk)) as HttpHandler;
      for (const [key, value] of updates) viaNode.updateHttpClientConfig(key, value);
    }
    return viaNode;
  };
  return {
    handle: (request: HttpRequest, options?: HttpHandlerOptions) =>
      tunnelOf(request) ? viaFetch.handle(request, options) : node().handle(request, options),
    updateHttpClientConfig: (key: never, value: never) => {
      viaFetch.updateHttpClientConfig(key, value);
      if (viaNode) viaNode.updateHttpClientConfig(key, value);
      else updates.push([key, value]);
    },
    httpHandlerConfigs: () => viaFetch.httpHandlerConfigs(),
    destroy: () => {
      viaFetch.destroy();
      viaNode?.destroy?.();
    },
  } as HttpHandler;
}
