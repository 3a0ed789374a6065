import { InvalidInputError } from '../../errors';
import { parseImageRegistry } from '../../registry/parse-image-registry';
import { resolveRegistryCredentials } from '../../resolver/registry-credentials';
import { type ResolvedToken, resolveToken, resolveTokenWithWebIdentity } from '../../resolver/resolve-token';
import type { HelperServices } from '../../services';
import { describeRoleArnProblem, quotePrefix, ROLE_ARN_FORM } from '../../settings/parse-role-arn';
import { selectRegistryTarget } from '../../settings/select-registry-settings';
import { backgroundRefreshOf } from '../refresh/background-refresh';
import { type CredentialProviderRequest, parseCredentialProviderRequest } from './credential-provider-request';
import { formatCredentialProviderResponse, halfRemainingSeconds } from './format-credential-provider-response';

/** The service account annotation AWS's plugin reads the role from. */
const ROLE_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';

/**
 * The role to assume in service-account mode, chosen as AWS's plugin chooses it: the service
 * account's annotation if present, else `AWS_ECR_ROLE_ARN`. Undefined: use the node's identity.
 * The annotation is written by whoever may edit the ServiceAccount (a namespace tenant): it is
 * checked against IAM's grammar before it is logged or sent to STS, and a message quotes only
 * its start.
 */
function selectRoleArn(request: CredentialProviderRequest, envRoleArn: string | undefined): string | undefined {
  const annotated = request.serviceAccountAnnotations[ROLE_ANNOTATION];
  // Present but empty: no role, and no falling back to the environment (AWS's plugin does the same).
  const roleArn = annotated !== undefined ? annotated : envRoleArn;
  if (roleArn === undefined || roleArn === '') return undefined;
  const problem = describeRoleArnProblem(roleArn);
  if (problem !== undefined) {
    const where = annotated !== undefined ? `the service account's annotation ${ROLE_ANNOTATION}` : 'AWS_ECR_ROLE_ARN';
    throw new InvalidInputError(`${where} is not an IAM role ARN (${problem}): ${quotePrefix(roleArn)}; expected ${ROLE_ARN_FORM}`);
  }
  return roleArn;
}

/**
 * Answers one CredentialProviderRequest (kubelet's image credential provider protocol):
 * request JSON in, response JSON out. The `auth` key is the image's host and port as kubelet
 * matches them (registry/parse-image-registry). An image on an alias host (the settings file)
 * gets the target registry's token under the alias host; the registry's profile or role
 * applies. Without a service account token — or without a role for it — the token comes from
 * the node's identity through the shared cache, locks and single flight, as in docker mode;
 * with both, from the assumed role, never through the cache.
 * Problems are thrown as `HelperError`s; `main` writes them on stderr, nothing on stdout.
 */
export async function handleCredentialProviderRequest(input: string, services: HelperServices): Promise<string> {
  const request = parseCredentialProviderRequest(input);
  const image = parseImageRegistry(request.image);
  if (!image)
    throw new InvalidInputError(`invalid CredentialProviderRequest: image ${JSON.stringify(request.image)} names no registry host`);
  // An image on an alias host gets its target registry's token, keyed by the alias host (and port) in `auth`.
  const target = selectRegistryTarget(request.image, services.settings());
  if (!target) {
    throw new InvalidInputError(
      `image ${JSON.stringify(request.image)} is not on an Amazon ECR registry host: check matchImages in the kubelet's CredentialProviderConfig`,
    );
  }
  // Also checks the shared AWS files, before the SDK reads them in either mode (see aws/identity-fingerprint).
  const { identity, request: tokenRequest } = resolveRegistryCredentials(target.settings, services);
  const roleArn = request.serviceAccountToken ? selectRoleArn(request, services.config.ecrRoleArn) : undefined;
  let token: ResolvedToken;
  if (request.serviceAccountToken && roleArn) {
    // The pod's role, not the node's per-registry settings: the token belongs to that service account.
    services.logger.info(`kubelet: ${image.authKey} as ${roleArn} (service account token)`);
    token = await resolveTokenWithWebIdentity(target.registry, { roleArn, token: request.serviceAccountToken }, services);
  } else {
    if (request.serviceAccountToken) services.logger.info(`kubelet: no role for the service account token; using the node's identity`);
    const refreshInBackground = backgroundRefreshOf(target, services);
    token = await resolveToken(target.registry, { ...services, identity, request: tokenRequest, refreshInBackground });
  }
  return formatCredentialProviderResponse(request.apiVersion, {
    // Port included, unlike AWS's plugin: kubelet discards a key whose port differs from the image's.
    host: image.authKey,
    username: token.username,
    password: token.password,
    cacheSeconds: halfRemainingSeconds(token.expiresAt, services.now()),
  });
}
