import { InvalidInputError } from '../../errors';
import { parseImageRegistry } from '../../registry/parse-image-registry';
import { type ResolvedToken, resolveToken, resolveTokenWithWebIdentity } from '../../resolver/resolve-token';
import type { HelperServices } from '../../services';
import { type CredentialProviderRequest, parseCredentialProviderRequest } from './credential-provider-request';
import { formatCredentialProviderResponse, halfRemainingSeconds } from './format-credential-provider-response';

/** The service account annotation AWS's plugin reads the role from. */
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';

/**
 * The role to assume in service-account mode, chosen as AWS's plugin chooses it: the service
 * account's annotation if present, else `AWS_ECR_ROLE_ARN`. Undefined: use the node's identity.
 */
function selectRoleArn(request: CredentialProviderRequest, envRoleArn: string | undefined): string | undefined {
  const annotated = request.serviceAccountAnnotations[ROLE_ANNOTATION];
  // Present but empty: no role, and no falling back to the environment (AWS's plugin does the same).
  const roleArn = annotated !== undefined ? annotated : envRoleArn;
  return roleArn === '' ? undefined : roleArn;
}

/**
 * Answers one CredentialProviderRequest (kubelet's image credential provider protocol):
 * request JSON in, response JSON out. Without a service account token — or without a role for
 * it — the token comes from the node's identity through the shared cache, locks and single
 * flight, as in docker mode; with both, from the assumed role, never through the cache.
 * Problems are thrown as `HelperError`s; `main` writes them on stderr, nothing on stdout.
 */
export async function handleCredentialProviderRequest(input: string, services: HelperServices): Promise<string> {
  const request = parseCredentialProviderRequest(input);
  const image = parseImageRegistry(request.image);
  if (!image)
    throw new InvalidInputError(`invalid CredentialProviderRequest: image ${JSON.stringify(request.image)} names no registry host`);
  if (!image.registry) {
    throw new InvalidInputError(
      `image ${JSON.stringify(request.image)} is not on an Amazon ECR registry host: check matchImages in the kubelet's CredentialProviderConfig`,
    );
  }
  // Also checks the shared AWS files, before the SDK reads them in either mode (see aws/identity-fingerprint).
  const identity = services.identity();
  const roleArn = request.serviceAccountToken ? selectRoleArn(request, services.config.ecrRoleArn) : undefined;
  let token: ResolvedToken;
  if (request.serviceAccountToken && roleArn) {
    services.logger.info(`kubelet: ${image.host} as ${roleArn} (service account token)`);
    token = await resolveTokenWithWebIdentity(image.registry, { roleArn, token: request.serviceAccountToken }, services);
  } else {
    if (request.serviceAccountToken) services.logger.info(`kubelet: no role for the service account token; using the node's identity`);
    token = await resolveToken(image.registry, { ...services, identity });
  }
  return formatCredentialProviderResponse(request.apiVersion, {
    host: image.host,
    username: token.username,
    password: token.password,
    cacheSeconds: halfRemainingSeconds(token.expiresAt, services.now()),
  });
}
