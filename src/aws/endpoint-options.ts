import type { MiddlewareStack } from '@smithy/types';

/**
 * Where an SDK client's resolved configuration keeps the endpoint URL configured for its
 * service (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, a profile's `endpoint_url` or
 * `services` section): @smithy/core's `resolveEndpointConfig` adds this function. Not in the
 * client's public type, so it is read through this guard; a unit test keeps it honest.
 */
interface ConfiguredEndpointReader {
  readonly serviceConfiguredEndpoint: () => Promise<unknown>;
}

function hasConfiguredEndpointReader(config: unknown): config is ConfiguredEndpointReader {
  return typeof config === 'object' && config !== null && typeof Reflect.get(config, 'serviceConfiguredEndpoint') === 'function';
}

/** A client that is built only to read its configuration, then destroyed. */
export interface ConfigProbe {
  readonly config: unknown;
  destroy(): void;
}

/**
 * Whether an endpoint URL is configured for the service of `probe` (a client built with the
 * same region and profile as the real one; destroyed here). The SDK's endpoint rules refuse
 * dual-stack (and FIPS) with a custom endpoint ("Invalid Configuration: Dualstack and custom
 * endpoint are not supported"): a configured endpoint wins, as the user meant it to.
 */
export async function hasConfiguredEndpoint(probe: ConfigProbe): Promise<boolean> {
  try {
    if (!hasConfiguredEndpointReader(probe.config)) return false;
    const configured = await probe.config.serviceConfiguredEndpoint();
    return configured !== undefined && configured !== null && configured !== '';
  } finally {
    probe.destroy();
  }
}

/**
 * The `useDualstackEndpoint` option of a client: when `dualStack` (a dual-stack registry host),
 * true unless an endpoint URL is configured for the client's service (`probe` builds a client
 * to read that from); otherwise undefined, so that the SDK reads `AWS_USE_DUALSTACK_ENDPOINT`
 * and the profile's `use_dualstack_endpoint` itself, as it always did. A function: the SDK
 * calls it once per request, after the client is built, and only the requests that are sent
 * pay for the probe.
 */
export function dualStackOption(dualStack: boolean, probe: () => ConfigProbe): (() => Promise<boolean>) | undefined {
  if (!dualStack) return undefined;
  let answer: Promise<boolean> | undefined;
  return () => (answer ??= hasConfiguredEndpoint(probe()).then((configured) => !configured));
}

/**
 * The address (`https://host[:port]`) of a request as an SDK middleware sees it in its
 * `finalizeRequest` step, after the endpoint rules (or a configured endpoint) chose it: what
 * doctor names as the endpoint used. Undefined for anything that is not an HTTP request.
 */
export function addressOf(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const protocol = Reflect.get(request, 'protocol');
  const hostname = Reflect.get(request, 'hostname');
  const port = Reflect.get(request, 'port');
  if (typeof protocol !== 'string' || typeof hostname !== 'string') return undefined;
  return `${protocol.replace(/:?$/, ':')}//${hostname}${typeof port === 'number' ? `:${port}` : ''}`;
}

const ENDPOINT_RECORDER_OPTIONS = { step: 'finalizeRequest', name: 'ecrLoginEndpointRecorder' } as const;

/**
 * Records where `client`'s requests go, as `addressOf` reads them once the endpoint rules
 * chose: what doctor names as the endpoint used. The returned function reads the last one.
 */
export function recordEndpoint<I extends object, O extends object>(client: {
  readonly middlewareStack: MiddlewareStack<I, O>;
}): () => string | undefined {
  let endpoint: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      endpoint = addressOf(args.request) ?? endpoint;
      return next(args);
    },
    ENDPOINT_RECORDER_OPTIONS,
  );
  return () => endpoint;
}
