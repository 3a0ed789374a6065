import type { RetryPolicy } from '../../../aws/resolve-retry-policy';
import { isDualStackRegistry } from '../../../registry/partitions';
import { redact } from '../../../safe-text/redact';
import { stsEndpointOf } from '../aws-endpoints';
import { fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { fixOf, messageOf, NEEDS_CREDENTIALS } from '../doctor-check';

/**
 * How the AWS calls retry, and what set it: `retries: up to 6 attempts (AWS_MAX_ATTEMPTS),
 * standard mode (default)`; a profile's unusable value is named, as ignored.
 */
export function formatRetryPolicy(policy: RetryPolicy): string {
  const ignored = policy.warnings.length === 0 ? '' : ` (${policy.warnings.join('; ')})`;
  return `retries: up to ${policy.maxAttempts} attempts (${policy.maxAttemptsFrom}), ${policy.mode} mode (${policy.modeFrom})${ignored}`;
}

/** The credentials the default chain (or the registry's profile) finds, without any secret, and how the calls retry. */
export const awsCredentials: DoctorCheck = {
  name: 'aws-credentials',
  onDeadline: ({ deadlineMs }) =>
    fail(
      'aws-credentials',
      `the AWS credential chain gave no credentials within ${deadlineMs / 1000} s`,
      'check the credentials endpoint or credential_process of your profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID',
    ),
  async run({ diagnostics }) {
    try {
      const credentials = await diagnostics.resolveCredentials();
      const profile = credentials.profile === undefined ? '' : `, profile ${credentials.profile}`;
      const expiry = credentials.expiresAt ? `, temporary, valid until ${credentials.expiresAt.toISOString()}` : '';
      const retries = formatRetryPolicy(await diagnostics.resolveRetryPolicy());
      return {
        result: ok('aws-credentials', `from ${credentials.source}${profile}; access key id …${credentials.keyIdEnd}${expiry}; ${retries}`),
        facts: { credentials },
      };
    } catch (error) {
      return {
        result: fail(
          'aws-credentials',
          messageOf(error),
          fixOf(error, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run where an IAM role is attached'),
        ),
      };
    }
  },
};

/** Whose the credentials are: STS `GetCallerIdentity` in the registry's region. */
export const stsIdentity: DoctorCheck = {
  name: 'sts-identity',
  needs: NEEDS_CREDENTIALS,
  onDeadline: ({ region, registry, services, deadlineMs }) =>
    fail(
      'sts-identity',
      `AWS STS (${redact(stsEndpointOf(region, services, registry))}) did not answer within ${deadlineMs / 1000} s`,
      'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_STS',
    ),
  async run({ diagnostics, region, registry, services }) {
    try {
      // At the dual-stack endpoint for a dual-stack registry host, as its roles' STS calls go.
      const identity = await diagnostics.getCallerIdentity(region, registry !== undefined && isDualStackRegistry(registry));
      const at = redact(identity.endpoint ?? stsEndpointOf(region, services, registry));
      return {
        result: ok('sts-identity', `${identity.arn} (account ${identity.account}, STS in ${region} at ${at})`),
        facts: { identity },
      };
    } catch (error) {
      return { result: fail('sts-identity', messageOf(error), fixOf(error, 'see the log for details')) };
    }
  },
};
