import type { Registry } from '../../registry/parse-registry';
import { partitionOfRegistry } from '../../registry/partitions';

/**
 * The IAM policy that lets a principal get tokens for `registry` and pull from it: for a
 * private registry, `ecr:GetAuthorizationToken` (which has no resource-level permissions:
 * `"Resource": "*"`) and the pull actions on the registry's repositories; for ECR Public,
 * its token action and `sts:GetServiceBearerToken`. Pretty-printed JSON, ready for
 * `aws iam put-role-policy --policy-document`.
 */
export function formatIamPolicy(registry: Registry): string {
  const statements =
    registry.kind === 'ecr-public'
      ? [{ Effect: 'Allow', Action: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'], Resource: '*' }]
      : [
          { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
            Resource: `arn:${partitionOfRegistry(registry).id}:ecr:${registry.region}:${registry.registryId}:repository/*`,
          },
        ];
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

/**
 * The command that attaches the policy to the principal named by an ARN (an IAM user, or the
 * role behind an assumed-role session), or undefined when the ARN names neither.
 */
export function formatAttachCommand(principalArn: string): string | undefined {
  // An assumed-role ARN names the role without its path; an IAM role ARN may have one (role/team/ci), which --role-name leaves out.
  const role =
    /^arn:[\w-]+:sts::\d{12}:assumed-role\/([\w+=,.@-]+)/.exec(principalArn)?.[1] ??
    /^arn:[\w-]+:iam::\d{12}:role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(principalArn)?.[1];
  if (role) return `aws iam put-role-policy --role-name ${role} --policy-name ecr-pull --policy-document file://ecr-pull.json`;
  const user = /^arn:[\w-]+:iam::\d{12}:user\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(principalArn)?.[1];
  if (user) return `aws iam put-user-policy --user-name ${user} --policy-name ecr-pull --policy-document file://ecr-pull.json`;
  return undefined;
}
