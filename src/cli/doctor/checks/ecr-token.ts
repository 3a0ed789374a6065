import { TokenFetchError } from '../../../errors';
import { isPublicRegistryHost } from '../../../registry/is-public-registry-host';
import type { Registry } from '../../../registry/parse-registry';
import { redact } from '../../../safe-text/redact';
import { ecrEndpointOf } from '../aws-endpoints';
import { type CheckResult, fail, ok, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { messageOf, NEEDS_CREDENTIALS } from '../doctor-check';
import { formatAttachCommand, formatIamPolicy } from '../format-iam-policy';

/** Why ECR gave no token, and for access denied, the policy to add. */
function ecrFailure(error: unknown, registry: Registry): CheckResult {
  const detail = messageOf(error);
  if (!(error instanceof TokenFetchError)) return fail('ecr-token', detail, 'see the log for details');
  switch (error.reason) {
    case 'access-denied':
      return fail('ecr-token', detail, formatIamPolicy(registry));
    case 'no-credentials':
      return fail('ecr-token', detail, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run where an IAM role is attached');
    case 'network':
      return fail('ecr-token', detail, 'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_ECR');
    case 'assume-role-failed':
      return fail(
        'ecr-token',
        detail,
        "check the role's trust policy: it must allow sts:AssumeRole by the identity shown under sts-identity",
      );
    default:
      return fail('ecr-token', detail, 'see the line above, and the log for details');
  }
}

/** ECR's answer for the registry: a token (not cached: doctor writes nothing), or why not and what to do. */
export const ecrToken: DoctorCheck = {
  name: 'ecr-token',
  needs: NEEDS_CREDENTIALS,
  onDeadline: ({ registry, region, services, deadlineMs }) =>
    fail(
      'ecr-token',
      `the ECR API (${redact(ecrEndpointOf(registry, region, services))}) did not answer within ${deadlineMs / 1000} s`,
      'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_ECR',
    ),
  async run({ host, hostKey, registry, region, request, services }) {
    if (host === undefined) return { result: skip('ecr-token', 'no registry given') };
    if (registry === undefined) {
      const name = hostKey ?? host;
      // Never an alias for a public registry: docker would send it the ECR token with every pull (configure refuses it).
      const fix = isPublicRegistryHost(name)
        ? `this helper routes Amazon ECR registries, whose tokens come from AWS; ${name} is a public registry: use docker login or its own credential helper for it`
        : `use the registry host as ECR names it (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), or, if ${name} is a DNS name of yours that fronts one, make it an alias: docker-credential-ecr-login configure --alias ${name}=<registry host>`;
      return {
        result: fail(
          'ecr-token',
          `${host} is not an Amazon ECR registry host, nor an alias of one, so the helper answers "credentials not found" for it`,
          fix,
        ),
      };
    }
    const source = await services.loadTokenSource();
    try {
      const token = await source.getAuthorizationToken(registry, request);
      const until = token.expiresAt ? `, valid until ${token.expiresAt.toISOString()}` : '';
      const as = request.assumeRole ? ` as ${request.assumeRole.roleArn}` : '';
      const api = registry.kind === 'ecr-public' ? 'ecr-public' : 'ecr';
      // The endpoint the SDK actually sent the call to; what it should be, if that went unrecorded.
      const from = redact(token.endpoint ?? ecrEndpointOf(registry, region, services));
      return {
        result: ok('ecr-token', `${api}:GetAuthorizationToken in ${registry.region}${as} gave a token from ${from}${until}`),
        facts: { token },
      };
    } catch (error) {
      const denied = error instanceof TokenFetchError && error.reason === 'access-denied';
      return {
        result: ecrFailure(error, registry),
        facts: { accessDenied: denied, ...(denied && error.principal !== undefined ? { refusedPrincipal: error.principal } : {}) },
      };
    }
  },
  // The policy fix names whom to give it to: who ECR refused (an assumed role, with a role per
  // registry), else who STS says we are (the check run beside this one).
  afterGroup(result, facts) {
    if (!facts.accessDenied) return result;
    const principal = facts.refusedPrincipal ?? facts.identity?.arn;
    const command = principal === undefined ? undefined : formatAttachCommand(principal);
    const fix = `allow ${principal ?? 'the principal'} to get tokens and pull, with this IAM policy (ecr-pull.json):\n${result.fix ?? ''}${command ? `\nfor example: ${command}\n(or attach the managed policy AmazonEC2ContainerRegistryReadOnly)` : ''}`;
    return { ...result, fix };
  },
};
