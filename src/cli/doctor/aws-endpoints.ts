import type { Registry } from '../../registry/parse-registry';
import { formatEcrEndpoint, formatStsEndpoint } from '../../registry/partitions';
import type { HelperServices } from '../../services';

/** The ECR API endpoint the token source calls for `registry` (or for `region`), or the configured override. */
export function ecrEndpointOf(registry: Registry | undefined, region: string, services: HelperServices): string {
  const env = services.config.identityEnv;
  if (registry?.kind === 'ecr-public') return env.AWS_ENDPOINT_URL_ECR_PUBLIC ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry);
  return env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry ?? { region });
}

/** The STS endpoint of `region`, or the configured override. */
export function stsEndpointOf(region: string, services: HelperServices): string {
  const env = services.config.identityEnv;
  return env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? formatStsEndpoint(region);
}
