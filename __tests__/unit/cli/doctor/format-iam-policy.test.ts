import { formatAttachCommand, formatIamPolicy } from '../../../../src/cli/doctor/format-iam-policy';
import { parseRegistry, type Registry } from '../../../../src/registry/parse-registry';

function registry(host: string): Registry {
  const parsed = parseRegistry(host);
  if (!parsed) throw new Error(`not ECR: ${host}`);
  return parsed;
}

describe('formatIamPolicy', () => {
  it.each([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com', 'arn:aws:ecr:us-west-2:123456789012:repository/*'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/*'],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn', 'arn:aws-cn:ecr:cn-northwest-1:123456789012:repository/*'],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/*'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'arn:aws:ecr:us-east-1:123456789012:repository/*'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'arn:aws-iso:ecr:us-iso-east-1:123456789012:repository/*'],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', 'arn:aws-iso-b:ecr:us-isob-east-1:123456789012:repository/*'],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', 'arn:aws-eusc:ecr:eusc-de-east-1:123456789012:repository/*'],
  ])('%s: the token action on "*" and the pull actions on %s', (host, repositories) => {
    expect(JSON.parse(formatIamPolicy(registry(host)))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          Resource: repositories,
        },
      ],
    });
  });

  it('ECR Public: its token action and sts:GetServiceBearerToken', () => {
    expect(JSON.parse(formatIamPolicy(registry('public.ecr.aws')))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'], Resource: '*' }],
    });
  });
});

describe('formatAttachCommand', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/eks-node-role/i-0abc', 'aws iam put-role-policy --role-name eks-node-role'],
    ['arn:aws:iam::123456789012:role/ci', 'aws iam put-role-policy --role-name ci'],
    ['arn:aws:iam::123456789012:role/team/pullers/ecr-pull', 'aws iam put-role-policy --role-name ecr-pull'],
    ['arn:aws:iam::123456789012:user/ci-bot', 'aws iam put-user-policy --user-name ci-bot'],
    ['arn:aws:iam::123456789012:user/division/ci-bot', 'aws iam put-user-policy --user-name ci-bot'],
    ['arn:aws-cn:iam::123456789012:user/bob', 'aws iam put-user-policy --user-name bob'],
  ])('%s: %s', (arn, command) => {
    expect(formatAttachCommand(arn)).toBe(`${command} --policy-name ecr-pull --policy-document file://ecr-pull.json`);
  });

  it('nothing for the account root or a federated user', () => {
    expect(formatAttachCommand('arn:aws:iam::123456789012:root')).toBeUndefined();
    expect(formatAttachCommand('arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
  });
});
