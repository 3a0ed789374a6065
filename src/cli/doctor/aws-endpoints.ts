import type { Registry } from '../../registry/parse-registry';
import { formatEcrEndpoint, formatStsEndpoint, usesDualStack } from '../../registry/partitions';
import type { HelperServices } from '../../services';

/**
 * Whether the calls for `registry` go to dual-stack endpoints: always for a dual-stack registry
 * host, else as `AWS_USE_DUALSTACK_ENDPOINT` says (see `usesDualStack`).
 */
export function dualStackOf(registry: Registry | undefined, services: HelperServices): boolean {
  return usesDualStack(registry, services.config.useDualstackEndpoint);
}

/**
 * The ECR API endpoint the token source calls for `registry` (or for `region`), or the
 * configured override: dual-stack where `dualStackOf` says so, as the SDK's rules name it.
 */
export function ecrEndpointOf(registry: Registry | undefined, region: string, services: HelperServices): string {
  const env = services.config.identityEnv;
  const dualStack = dualStackOf(registry, services);
  if (registry?.kind === 'ecr-public') {
    return env.AWS_ENDPOINT_URL_ECR_PUBLIC ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry, { dualStack });
  }
  return env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry ?? { region }, { dualStack });
}

/** The STS endpoint of `region` for the calls of `registry` (dual-stack as `dualStackOf` says), or the configured override. */
export function stsEndpointOf(region: string, services: HelperServices, registry?: Registry): string {
  const env = services.config.identityEnv;
  return env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? formatStsEndpoint(region, { dualStack: dualStackOf(registry, services) });
}
