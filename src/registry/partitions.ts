import type { Registry } from './parse-registry';

/** An AWS partition: the ARN prefix, and the DNS suffixes of its endpoints. */
export interface Partition {
  /** As ARNs write it: `aws`, `aws-cn`, `aws-us-gov`, … */
  readonly id: string;
  /** Of the regional endpoints: `amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, … */
  readonly dnsSuffix: string;
  /** Of the dual-stack (IPv6) endpoints, where the partition has them. */
  readonly dualStackDnsSuffix: string | undefined;
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
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', dualStackDnsSuffix: undefined, registryDomains: ['c2s.ic.gov'], regionPrefix: 'us-iso-' },
  {
    id: 'aws-iso-b',
    dnsSuffix: 'sc2s.sgov.gov',
    dualStackDnsSuffix: undefined,
    registryDomains: ['sc2s.sgov.gov'],
    regionPrefix: 'us-isob-',
  },
  {
    id: 'aws-iso-e',
    dnsSuffix: 'cloud.adc-e.uk',
    dualStackDnsSuffix: undefined,
    registryDomains: ['cloud.adc-e.uk'],
    regionPrefix: 'eu-isoe-',
  },
  {
    id: 'aws-iso-f',
    dnsSuffix: 'csp.hci.ic.gov',
    dualStackDnsSuffix: undefined,
    registryDomains: ['csp.hci.ic.gov'],
    regionPrefix: 'us-isof-',
  },
  { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', dualStackDnsSuffix: undefined, registryDomains: ['amazonaws.eu'], regionPrefix: 'eusc-' },
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
 * The ECR (or ECR Public) API endpoint the SDK's endpoint rules choose for a registry, or for a
 * region when there is none: `https://api.ecr.<region>.<suffix>`, FIPS `api.ecr-fips.…`,
 * dual-stack `ecr[-fips].<region>.<dual-stack suffix>`; ECR Public always in us-east-1.
 */
export function formatEcrEndpoint(target: Registry | { readonly region: string }, options: EndpointOptions = {}): string {
  if ('kind' in target && target.kind === 'ecr-public') return 'https://api.ecr-public.us-east-1.amazonaws.com';
  const partition = 'kind' in target ? partitionOfRegistry(target) : partitionOfRegion(target.region);
  const fips = options.fips ?? ('kind' in target && target.kind === 'ecr' ? target.fips : false);
  if (options.dualStack && partition.dualStackDnsSuffix !== undefined) {
    return `https://ecr${fips ? '-fips' : ''}.${target.region}.${partition.dualStackDnsSuffix}`;
  }
  return `https://api.ecr${fips ? '-fips' : ''}.${target.region}.${partition.dnsSuffix}`;
}

/** The regional STS endpoint of a region: `https://sts.<region>.<suffix>`. */
export function formatStsEndpoint(region: string): string {
  return `https://sts.${region}.${partitionOfRegion(region).dnsSuffix}`;
}
