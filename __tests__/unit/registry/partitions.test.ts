import { formatIamPolicy } from '../../../src/cli/doctor/format-iam-policy';
import { formatDockerConfigKey } from '../../../src/registry/format-docker-config-key';
import { parseRegistry } from '../../../src/registry/parse-registry';
import { formatEcrEndpoint, formatStsEndpoint, PARTITIONS, partitionOfRegistry } from '../../../src/registry/partitions';
import { isRoleArn } from '../../../src/settings/parse-role-arn';

/*
 * Every host rule lives in src/registry/: one table over every partition checks that the
 * callers agree — the docker-config key configure writes and doctor looks for, the IAM
 * policy's ARN partition, the ECR and STS endpoints doctor names (and its proxy check asks
 * about), the role ARNs the settings accept.
 */

const ROWS: readonly (readonly [string, string, string, string])[] = [
  // host, partition, ECR endpoint, STS endpoint
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'aws', 'https://api.ecr.us-east-1.amazonaws.com', 'https://sts.us-east-1.amazonaws.com'],
  ['123456789012.dkr-ecr.eu-west-1.on.aws', 'aws', 'https://api.ecr.eu-west-1.amazonaws.com', 'https://sts.eu-west-1.amazonaws.com'],
  [
    '123456789012.dkr.ecr-fips.us-east-2.amazonaws.com',
    'aws',
    'https://api.ecr-fips.us-east-2.amazonaws.com',
    'https://sts.us-east-2.amazonaws.com',
  ],
  [
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    'aws-cn',
    'https://api.ecr.cn-north-1.amazonaws.com.cn',
    'https://sts.cn-north-1.amazonaws.com.cn',
  ],
  [
    '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
    'aws-cn',
    'https://api.ecr.cn-northwest-1.amazonaws.com.cn',
    'https://sts.cn-northwest-1.amazonaws.com.cn',
  ],
  [
    '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com',
    'aws-us-gov',
    'https://api.ecr.us-gov-west-1.amazonaws.com',
    'https://sts.us-gov-west-1.amazonaws.com',
  ],
  [
    '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov',
    'aws-iso',
    'https://api.ecr.us-iso-east-1.c2s.ic.gov',
    'https://sts.us-iso-east-1.c2s.ic.gov',
  ],
  [
    '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
    'aws-iso-b',
    'https://api.ecr.us-isob-east-1.sc2s.sgov.gov',
    'https://sts.us-isob-east-1.sc2s.sgov.gov',
  ],
  [
    '123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk',
    'aws-iso-e',
    'https://api.ecr.eu-isoe-west-1.cloud.adc-e.uk',
    'https://sts.eu-isoe-west-1.cloud.adc-e.uk',
  ],
  [
    '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov',
    'aws-iso-f',
    'https://api.ecr.us-isof-south-1.csp.hci.ic.gov',
    'https://sts.us-isof-south-1.csp.hci.ic.gov',
  ],
  [
    '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu',
    'aws-eusc',
    'https://api.ecr.eusc-de-east-1.amazonaws.eu',
    'https://sts.eusc-de-east-1.amazonaws.eu',
  ],
];

describe('one table of host rules, every partition', () => {
  it.each(ROWS)('%s: partition %s, ECR %s, STS %s', (host, partition, ecr, sts) => {
    const registry = parseRegistry(host);
    if (registry?.kind !== 'ecr') throw new Error(`${host} is not an ECR host`);
    expect(partitionOfRegistry(registry).id).toBe(partition);
    expect(formatEcrEndpoint(registry)).toBe(ecr);
    expect(formatStsEndpoint(registry.region)).toBe(sts);
    // The IAM policy doctor prints names the repositories in that partition.
    expect(formatIamPolicy(registry)).toContain(`"arn:${partition}:ecr:${registry.region}:123456789012:repository/*"`);
    // The settings accept role ARNs of that partition.
    expect(isRoleArn(`arn:${partition}:iam::123456789012:role/pull`)).toBe(true);
    // configure and doctor agree on the docker-config key, whatever the spelling pasted.
    for (const pasted of [host, `https://${host}/v2/`, `https://user@${host.toUpperCase()}:443/v2/`])
      expect(formatDockerConfigKey(pasted)).toBe(host);
  });

  it('every partition of the table has a row', () => {
    expect(new Set(ROWS.map((row) => row[1]))).toEqual(new Set(PARTITIONS.map((p) => p.id)));
  });

  it('ECR Public: the commercial partition, its API in us-east-1', () => {
    const registry = parseRegistry('public.ecr.aws');
    if (!registry) throw new Error('public.ecr.aws is ECR Public');
    expect(partitionOfRegistry(registry).id).toBe('aws');
    expect(formatEcrEndpoint(registry)).toBe('https://api.ecr-public.us-east-1.amazonaws.com');
  });

  it('dual-stack endpoints where the partition has them', () => {
    const registry = parseRegistry('123456789012.dkr-ecr.us-west-2.on.aws');
    if (!registry) throw new Error('an ECR host');
    expect(formatEcrEndpoint(registry, { dualStack: true })).toBe('https://ecr.us-west-2.api.aws');
    expect(formatEcrEndpoint({ region: 'cn-north-1' }, { dualStack: true })).toBe('https://ecr.cn-north-1.api.amazonwebservices.com.cn');
    // As the SDK's partitions.json names them (__tests__/unit/aws/dual-stack-endpoints.test.ts holds the two together).
    expect(formatEcrEndpoint({ region: 'us-iso-east-1' }, { dualStack: true })).toBe('https://ecr.us-iso-east-1.api.aws.ic.gov');
    expect(formatStsEndpoint('cn-north-1', { dualStack: true })).toBe('https://sts.cn-north-1.api.amazonwebservices.com.cn');
  });
});
