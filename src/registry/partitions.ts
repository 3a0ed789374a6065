import type { Registry } from './parse-registry';

/** An AWS partition: the ARN prefix, and the DNS suffixes of its endpoints. */
export interface Partition {
  /** As ARNs write it: `aws`, `aws-cn`, `aws-us-gov`, … */
  readonly id: string;
  /** Of the regional endpoints: `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, … */
  readonly dnsSuffix: string;
  /**
   * Of the dual-stack (IPv4 and IPv6) API endpoints, as the SDK's partitions.json names them
   * (`ecr.<region>.api.aws`); a unit test holds this to the SDK's own endpoint rules.
   */
  readonly dualStackDnsSuffix: string;
  /** The registry host domain(s) of ECR in this partition (after `<account>.dkr.ecr.<region>.`). */
  readonly registryDomains: readonly string[];
  /** The prefix of its region names (`cn-`, `us-gov-`, …); the commercial partition has none. */
  readonly regionPrefix: string | undefined;
}

/**
 * Every AWS partition with ECR, as the AWS SDKs' partitions.json describes them: the one table
 * of host rules that configure, doctor, the IAM policy, the settings' role ARNs and the
 * endpoints read. No region prefix starts another (`us-iso-` and `us-isob-` differ at their
 * fifth character), so the order is the natural one.
 */
export const PARTITIONS: readonly Partition[] = [
  {
    id: 'aws',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    registryDomains: ['amazonaws.com', 'on.aws'],
    regionPrefix: undefined,
  },
  {
    id: 'aws-cn',
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
    registryDomains: ['amazonaws.com.cn', 'on.amazonwebservices.com.cn'],
    regionPrefix: 'cn-',
  },
  { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws', registryDomains: [], regionPrefix: 'us-gov-' },
  {
    id: 'aws-iso',
    dnsSuffix: 'c2s.ic.gov',
    dualStackDnsSuffix: 'api.aws.ic.gov',
    registryDomains: ['c2s.ic.gov'],
    regionPrefix: 'us-iso-',
  },
  {
    id: 'aws-iso-b',
    dnsSuffix: 'sc2s.sgov.gov',
    dualStackDnsSuffix: 'api.aws.scloud',
    registryDomains: ['sc2s.sgov.gov'],
    regionPrefix: 'us-isob-',
  },
  {
    id: 'aws-iso-e',
    dnsSuffix: 'cloud.adc-e.uk',
    dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk',
    registryDomains: ['cloud.adc-e.uk'],
    regionPrefix: 'eu-isoe-',
  },
  {
    id: 'aws-iso-f',
    dnsSuffix: 'csp.hci.ic.gov',
    dualStackDnsSuffix: 'api.aws.hci.ic.gov',
    registryDomains: ['csp.hci.ic.gov'],
    regionPrefix: 'us-isof-',
  },
  {
    id: 'aws-eusc',
    dnsSuffix: 'amazonaws.eu',
    dualStackDnsSuffix: 'api.amazonwebservices.eu',
    registryDomains: ['amazonaws.eu'],
    regionPrefix: 'eusc-',
  },
];

const COMMERCIAL = PARTITIONS[0] as Partition;

/** The partition of a region, by its name (`cn-north-1` → aws-cn); the commercial one for any other. */
export function partitionOfRegion(region: string): Partition {
  return PARTITIONS.find((p) => p.regionPrefix !== undefined && region.startsWith(p.regionPrefix)) ?? COMMERCIAL;
}

/**
 * The partition of a registry: ECR Public's is the commercial one; a private registry's by its
 * host's domain, and for the domains partitions share (`amazonaws.com`: commercial and
 * GovCloud) by its region.
 */
export function partitionOfRegistry(registry: Registry): Partition {
  if (registry.kind === 'ecr-public') return COMMERCIAL;
  const byRegion = partitionOfRegion(registry.region);
  const byDomain = PARTITIONS.find((p) => p.registryDomains.some((domain) => registry.host.endsWith(`.${domain}`)));
  return byDomain === undefined || byDomain.id === COMMERCIAL.id ? byRegion : byDomain;
}

/** How the SDK is asked to reach an endpoint. */
export interface EndpointOptions {
  readonly fips?: boolean;
  readonly dualStack?: boolean;
}

/**
 * ECR's dual-stack registry names: `<account>.dkr-ecr[-fips].<region>.on.aws` (China:
 * `….on.amazonwebservices.com.cn`) and ECR Public's `ecr-public.aws.com`. A client that pulls
 * by one of them may well be on an IPv6-only network, where the IPv4-only API endpoints
 * (`api.ecr.<region>.amazonaws.com`) cannot be reached.
 */
const DUAL_STACK_REGISTRY_DOMAINS = ['on.aws', 'on.amazonwebservices.com.cn'];
const DUAL_STACK_PUBLIC_HOST = 'ecr-public.aws.com';

/** Whether `registry` is named by one of ECR's dual-stack registry host names. */
export function isDualStackRegistry(registry: Registry): boolean {
  if (registry.kind === 'ecr-public') return registry.host === DUAL_STACK_PUBLIC_HOST;
  return DUAL_STACK_REGISTRY_DOMAINS.some((domain) => registry.host.endsWith(`.${domain}`));
}

/**
 * Whether the token for `registry` comes from a dual-stack API endpoint, and so do the STS
 * calls of its roles: always for a dual-stack registry host (a client that pulls by that name
 * may have no IPv4 route; AWS's endpoint would otherwise be IPv4-only); for any other, and
 * without a registry, what `AWS_USE_DUALSTACK_ENDPOINT` says (`envDualStack`). Dual-stack
 * endpoints carry no PrivateLink traffic, which is why an IPv4 host keeps the IPv4 endpoint.
 */
export function usesDualStack(registry: Registry | undefined, envDualStack: boolean): boolean {
  return registry !== undefined && isDualStackRegistry(registry) ? true : envDualStack;
}

/**
 * The ECR (or ECR Public) API endpoint the SDK's endpoint rules choose for a registry, or for a
 * region when there is none: `https://api.ecr.<region>.<suffix>`, FIPS `api.ecr-fips.…`,
 * dual-stack `ecr[-fips].<region>.<dual-stack suffix>`; ECR Public always in us-east-1
 * (dual-stack `ecr-public.us-east-1.api.aws`).
 */
export function formatEcrEndpoint(target: Registry | { readonly region: string }, options: EndpointOptions = {}): string {
  if ('kind' in target && target.kind === 'ecr-public') {
    return options.dualStack ? 'https://ecr-public.us-east-1.api.aws' : 'https://api.ecr-public.us-east-1.amazonaws.com';
  }
  const partition = 'kind' in target ? partitionOfRegistry(target) : partitionOfRegion(target.region);
  const fips = options.fips ?? ('kind' in target && target.kind === 'ecr' ? target.fips : false);
  if (options.dualStack) return `https://ecr${fips ? '-fips' : ''}.${target.region}.${partition.dualStackDnsSuffix}`;
  return `https://api.ecr${fips ? '-fips' : ''}.${target.region}.${partition.dnsSuffix}`;
}

/** The regional STS endpoint of a region: `https://sts.<region>.<suffix>`, dual-stack `sts.<region>.<dual-stack suffix>`. */
export function formatStsEndpoint(region: string, options: Pick<EndpointOptions, 'dualStack'> = {}): string {
  const partition = partitionOfRegion(region);
  return `https://sts.${region}.${options.dualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix}`;
}
