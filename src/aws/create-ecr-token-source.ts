import type { ECRClientConfig } from '@aws-sdk/client-ecr';
import { TokenFetchError } from '../errors';
import type { Logger } from '../log';
import type { Registry } from '../registry/parse-registry';
import { isDualStackRegistry } from '../registry/partitions';
import type { RetrySettings } from '../retry-settings';
import { classifyAssumeRoleError, classifyAwsError } from './classify-aws-error';
import { createRequestHandler, type NativeFetch } from './create-request-handler';
import { retryClientOptions } from './create-retry-strategy';
import { createSdkLogger, type SdkLogger } from './create-sdk-logger';
import { dualStackOption, recordEndpoint } from './endpoint-options';
import { type RetryPolicy, resolveRetryPolicy } from './resolve-retry-policy';
import { sanitizeSdkText } from './sanitize-sdk-text';
import type { AssumeRole, AuthorizationToken, RoleCredentials, TokenRequestOptions, TokenSource, WebIdentity } from './token-source';
import { withDeadline } from './with-deadline';

export interface EcrTokenSourceOptions {
  readonly logger: Logger;
  /** `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, `AWS_ECR_MAX_BACKOFF` (the profile's settings are read on a call). */
  readonly retry: RetrySettings;
  /** Tests only: the random numbers the retries' backoff draws from (default `Math.random`). */
  readonly random?: () => number;
  /**
   * Send with the runtime's own `fetch` where the proxy variables of `env` allow
   * (createRequestHandler): the executable's (Bun's fetch is native, while its node:http
   * costs ~4 ms to load). Without it (Node), the SDK's Node handler with the proxy agent.
   */
  readonly nativeFetch?: NativeFetch;
  /** Tests only: a request handler that captures requests instead of sending them. */
  readonly requestHandler?: ECRClientConfig['requestHandler'];
  /** Tests only: fixed credentials instead of the default chain. */
  readonly credentials?: ECRClientConfig['credentials'];
}

/** Decodes `base64("AWS:<password>")` as ECR returns it. */
export function parseAuthorizationToken(encoded: string | undefined, expiresAt: Date | undefined): AuthorizationToken {
  const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (!encoded || colon <= 0 || colon === decoded.length - 1 || !/^[A-Za-z0-9+/=\s]+$/.test(encoded)) {
    throw new TokenFetchError('invalid-response', 'ECR returned an authorization token that is not base64 "user:password"');
  }
  const expiry = expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime()) ? expiresAt : undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), expiresAt: expiry };
}

/**
 * The default chain's providers each have timeouts of their own, but not all of them abort:
 * the container credentials provider only warns when its endpoint stays silent. One deadline
 * over the whole chain bounds them all.
 */
export const CREDENTIALS_DEADLINE_MS = 5000;

/** The session name AWS's own plugin uses, so CloudTrail reads the same for both. */
const ROLE_SESSION_NAME = 'ecr-credential-provider';

type SdkClients = typeof import('./sdk-clients');

/**
 * Some of the SDK's parts log through `console` whatever logger they are given (the
 * container credentials provider's request handler does). This process's stderr is the
 * user's terminal, for one line per failure: console output goes to the log instead.
 */
function routeConsoleToLog(sdkLogger: SdkLogger): void {
  Object.assign(console, {
    log: sdkLogger.debug,
    info: sdkLogger.debug,
    debug: sdkLogger.debug,
    warn: sdkLogger.warn,
    error: sdkLogger.warn,
  });
}

/** What every AWS call for one token shares: the loaded SDK, the registry, where they log, how they send and retry. */
interface TokenCall {
  readonly sdk: SdkClients;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly sdkLogger: SdkLogger;
  readonly requestHandler: ECRClientConfig['requestHandler'];
  readonly retryPolicy: RetryPolicy;
  readonly random: () => number;
  /**
   * A dual-stack registry host (registry/partitions.ts `isDualStackRegistry`): its ECR call and
   * its roles' STS calls go to the dual-stack endpoints, unless an endpoint URL is configured.
   */
  readonly dualStack: boolean;
}

/** The retry settings of one SDK client for this call (see `retryClientOptions`). */
function retryOptionsOf(call: TokenCall): ReturnType<typeof retryClientOptions> {
  return retryClientOptions(call.sdk, call.retryPolicy, call.random);
}

/** The default chain, with our logger and one deadline (see `CREDENTIALS_DEADLINE_MS`). */
function createDefaultChain(call: TokenCall, profile?: string): ECRClientConfig['credentials'] {
  const { sdk, sdkLogger, registry } = call;
  // With a profile the SDK's chain skips AWS_ACCESS_KEY_ID & co., as with AWS_PROFILE.
  const chain = sdk.defaultProvider({ logger: sdkLogger, ...(profile === undefined ? {} : { profile }) });
  return async (properties) =>
    withDeadline(
      chain(properties),
      CREDENTIALS_DEADLINE_MS,
      () =>
        new TokenFetchError(
          'no-credentials',
          `no AWS credentials for ${registry.host} within ${CREDENTIALS_DEADLINE_MS / 1000} s: a credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, ` +
            'instance metadata) or credential_process did not answer; check it, or set AWS_PROFILE or AWS_ACCESS_KEY_ID',
        ),
    );
}

/**
 * STS `AssumeRole` for `role` in the registry's region (so China and GovCloud registries reach
 * their partition's STS), signed with the source credentials; the new secrets are redacted
 * from the log from then on.
 */
async function assumeRoleWithSts(call: TokenCall, role: AssumeRole, source: ECRClientConfig['credentials']): Promise<RoleCredentials> {
  const { sdk, registry, logger } = call;
  logger.info(`assuming ${role.roleArn} (session ${role.sessionName}) for ${registry.host}`);
  const { AssumeRoleCommand, STSClient } = sdk.loadSts();
  const sts = new STSClient({
    region: registry.region,
    useDualstackEndpoint: dualStackOption(call.dualStack, () => new STSClient({ region: registry.region })),
    requestHandler: call.requestHandler,
    ...retryOptionsOf(call),
    logger: call.sdkLogger,
    ...(source ? { credentials: source } : {}),
  });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
      throw new TokenFetchError('invalid-response', `STS AssumeRole for ${role.roleArn} returned no complete credentials`);
    }
    logger.addSecret(c.SecretAccessKey);
    logger.addSecret(c.SessionToken);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    throw classifyAssumeRoleError(error, role.roleArn, 'assume-role');
  } finally {
    sts.destroy();
  }
}

/**
 * Kubelet's service-account mode: STS `AssumeRoleWithWebIdentity` in the registry's region,
 * with the pod's token; a failure is classified for the role it names.
 */
function createWebIdentityCredentials(call: TokenCall, webIdentity: WebIdentity): ECRClientConfig['credentials'] {
  const { sdk, registry, sdkLogger, requestHandler } = call;
  const assume = sdk.fromWebToken({
    roleArn: webIdentity.roleArn,
    webIdentityToken: webIdentity.token,
    roleSessionName: ROLE_SESSION_NAME,
    logger: sdkLogger,
    clientConfig: {
      region: registry.region,
      useDualstackEndpoint: dualStackOption(call.dualStack, () => new (sdk.loadSts().STSClient)({ region: registry.region })),
      requestHandler,
      ...retryOptionsOf(call),
      logger: sdkLogger,
    },
  });
  return async (properties) => {
    try {
      return await assume(properties);
    } catch (error) {
      throw classifyAssumeRoleError(error, webIdentity.roleArn);
    }
  };
}

/**
 * Credentials for one call: the test's, the default chain's, a web identity's, or a role's
 * (per-registry `roleArn`: from the role credential cache while they have time left, else
 * from `assumeRoleWithSts` with the test's or the chain's as source).
 */
function createCredentials(call: TokenCall, request: TokenRequestOptions, options: EcrTokenSourceOptions): ECRClientConfig['credentials'] {
  const { webIdentity, assumeRole } = request;
  if (webIdentity) return createWebIdentityCredentials(call, webIdentity);
  const source = options.credentials ?? createDefaultChain(call, request.profile);
  return assumeRole ? async () => assumeRole.cached(() => assumeRoleWithSts(call, assumeRole, source)) : source;
}

/**
 * `GetAuthorizationToken` from ECR Public (us-east-1) or ECR (FIPS endpoint for `-fips` hosts;
 * dual-stack for dual-stack hosts), with the address it was sent to.
 */
async function requestAuthorizationToken(call: TokenCall, credentials: ECRClientConfig['credentials']): Promise<AuthorizationToken> {
  const { sdk, registry } = call;
  const common = {
    ...retryOptionsOf(call),
    requestHandler: call.requestHandler,
    logger: call.sdkLogger,
    ...(credentials ? { credentials } : {}),
  };
  if (registry.kind === 'ecr-public') {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand } = sdk.loadEcrPublic();
    const useDualstackEndpoint = dualStackOption(call.dualStack, () => new ECRPUBLICClient({ region: registry.region }));
    const client = new ECRPUBLICClient({ ...common, region: registry.region, useDualstackEndpoint });
    const endpoint = recordEndpoint(client);
    try {
      const out = await client.send(new GetAuthorizationTokenCommand({}));
      const data = out.authorizationData;
      return { ...parseAuthorizationToken(data?.authorizationToken, data?.expiresAt), endpoint: endpoint() };
    } finally {
      client.destroy();
    }
  }
  const useDualstackEndpoint = dualStackOption(call.dualStack, () => new sdk.ECRClient({ region: registry.region }));
  // A FIPS host asks for FIPS; any other leaves the SDK to read AWS_USE_FIPS_ENDPOINT itself.
  const fips = registry.fips ? { useFipsEndpoint: true } : {};
  const client = new sdk.ECRClient({ ...common, region: registry.region, ...fips, useDualstackEndpoint });
  const endpoint = recordEndpoint(client);
  try {
    const out = await client.send(new sdk.GetAuthorizationTokenCommand({ registryIds: [registry.registryId] }));
    const data = out.authorizationData?.[0];
    return { ...parseAuthorizationToken(data?.authorizationToken, data?.expiresAt), endpoint: endpoint() };
  } finally {
    client.destroy();
  }
}

/**
 * The real token source over the AWS SDK for JavaScript v3. The SDK itself is loaded on the
 * first call only (from its own chunk), so that building this on a cache hit costs nothing.
 * Fetches tokens with `GetAuthorizationToken`: ECR for private registries (signed for the
 * registry's region, FIPS endpoint for `-fips` hosts), ECR Public in us-east-1. Credentials
 * come from the SDK's default chain (env, shared files and profiles, SSO, web identity,
 * container and instance metadata) — with `profile`, for that profile — or, with `webIdentity`,
 * from STS `AssumeRoleWithWebIdentity` in the registry's region (kubelet's service-account
 * mode), or, with `assumeRole`, from STS `AssumeRole` with the chain's credentials (the
 * per-registry settings), through the role credential cache.
 */
export function createEcrTokenSource(options: EcrTokenSourceOptions): TokenSource {
  const { logger } = options;
  const sdkLogger = createSdkLogger(logger, 'warn');
  return {
    async getAuthorizationToken(registry: Registry, request: TokenRequestOptions = {}): Promise<AuthorizationToken> {
      const role = request.webIdentity?.roleArn ?? request.assumeRole?.roleArn;
      const as = `${role ? ` as ${role}` : ''}${request.profile ? ` (profile ${request.profile})` : ''}`;
      logger.info(`requesting a token for ${registry.host} (${registry.kind}, ${registry.region})${as}`);
      try {
        const sdk = await import('./sdk-clients');
        routeConsoleToLog(sdkLogger);
        const retryPolicy = await resolveRetryPolicy(sdk, options.retry, request.profile);
        for (const warning of retryPolicy.warnings) logger.tellOnce(warning, warning);
        logger.debug(
          `retries: up to ${retryPolicy.maxAttempts} attempts (${retryPolicy.maxAttemptsFrom}), ${retryPolicy.mode} mode (${retryPolicy.modeFrom})`,
        );
        const call: TokenCall = {
          sdk,
          registry,
          logger,
          sdkLogger,
          requestHandler: options.requestHandler ?? createRequestHandler(sdk, options.nativeFetch),
          retryPolicy,
          random: options.random ?? Math.random,
          dualStack: isDualStackRegistry(registry),
        };
        const token = await requestAuthorizationToken(call, createCredentials(call, request, options));
        logger.debug(`the token for ${registry.host} came from ${token.endpoint ?? 'an unrecorded endpoint'}`);
        return token;
      } catch (error) {
        const classified = classifyAwsError(error, registry);
        const detail = sanitizeSdkText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        logger.error(`token request for ${registry.host} failed [${classified.reason}]: ${detail}`);
        throw classified;
      }
    },
  };
}
