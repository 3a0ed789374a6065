import type * as http from 'node:http';
import type { IdentityEnv } from '../config';
import type { Logger } from '../log';
import type { RetrySettings } from '../retry-settings';
import { readAwsFailure } from './classify-aws-error';
// The token source's timeouts, retries and credential deadline, so that `doctor` sees what a `get` would see.
import { CREDENTIALS_DEADLINE_MS } from './create-ecr-token-source';
import { chooseProxy, createProxyAgent } from './create-proxy-agent';
import { nodeHandlerOptions } from './create-request-handler';
import { retryClientOptions } from './create-retry-strategy';
import { createSdkLogger } from './create-sdk-logger';
import { DiagnosticError } from './diagnostic-error';
import { diagnosticHttpGet, type HttpAnswer } from './diagnostic-http-get';
import { dualStackOption, recordEndpoint } from './endpoint-options';
import { type RetryPolicy, resolveRetryPolicy } from './resolve-retry-policy';
import { withDeadline } from './with-deadline';

type SdkClients = typeof import('./sdk-clients');

/** Where the default chain found credentials, without any secret. */
export interface CredentialSummary {
  /** Which provider: `environment variables`, `SSO`, `EC2 instance metadata`, … */
  readonly source: string;
  /** The profile, when the source reads one from the shared files. */
  readonly profile: string | undefined;
  /** The access key id's last four characters. */
  readonly keyIdEnd: string;
  /** Temporary credentials: when they expire. */
  readonly expiresAt: Date | undefined;
}

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  /** The STS endpoint that answered (`https://sts.us-east-1.api.aws`), where it was recorded. */
  readonly endpoint?: string;
}

/**
 * The AWS side of `doctor`: which credentials the default chain finds, whose they are (STS
 * `GetCallerIdentity`), which proxy an endpoint goes through, and what a registry answers.
 * Loads the SDK chunk on first use. Every call has the token source's timeouts.
 */
export interface AwsDiagnostics {
  resolveCredentials(): Promise<CredentialSummary>;
  /** How AWS calls are retried for this profile: AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, else the profile's, else the defaults. */
  resolveRetryPolicy(): Promise<RetryPolicy>;
  /**
   * STS `GetCallerIdentity` in `region`; `dualStack` (a dual-stack registry host): at the
   * dual-stack endpoint, as the token's role calls would be, unless one is configured.
   */
  getCallerIdentity(region: string, dualStack?: boolean): Promise<CallerIdentity>;
  /**
   * `GET url` (a registry's `/v2/`, its token service), with `authorization` when given, through
   * the proxy the environment chooses; a `DiagnosticError` when nothing answers within `timeoutMs`.
   */
  httpGet(url: string, authorization: string | undefined, timeoutMs: number): Promise<HttpAnswer>;
  /** The proxy URL the environment's HTTPS_PROXY/NO_PROXY choose for `url`; undefined: direct. */
  proxyFor(url: string): Promise<string | undefined>;
}

export interface AwsDiagnosticsOptions {
  readonly logger: Logger;
  readonly identityEnv: IdentityEnv;
  /** The retry variables (the profile's settings are read when asked). */
  readonly retry: RetrySettings;
  /** The profile configured for the registry, instead of AWS_PROFILE. */
  readonly profile?: string;
}

/**
 * The SDK's credential providers mark what they returned (`$source`, its feature ids); the
 * first matching entry names the source. Ordered from the most to the least specific: a
 * profile that assumes a role also carries CREDENTIALS_PROFILE.
 */
const SOURCES: readonly [feature: string, source: string, fromProfile: boolean][] = [
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)', false],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web identity (web_identity_token_file in the profile)', true],
  ['CREDENTIALS_PROFILE_SSO', 'SSO (IAM Identity Center)', true],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'SSO (IAM Identity Center)', true],
  ['CREDENTIALS_SSO', 'SSO (IAM Identity Center)', true],
  ['CREDENTIALS_SSO_LEGACY', 'SSO (IAM Identity Center)', true],
  ['CREDENTIALS_PROFILE_LOGIN', 'aws login session', true],
  ['CREDENTIALS_PROFILE_PROCESS', 'credential_process', true],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'assumed role (role_arn with source_profile)', true],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'assumed role (role_arn with credential_source)', true],
  ['CREDENTIALS_PROFILE', 'shared credentials/config files', true],
  ['CREDENTIALS_ENV_VARS', 'environment variables (AWS_ACCESS_KEY_ID)', false],
  ['CREDENTIALS_HTTP', 'container credentials endpoint (AWS_CONTAINER_CREDENTIALS_…)', false],
  ['CREDENTIALS_IMDS', 'EC2 instance metadata (instance profile)', false],
];

/**
 * Names the source of credentials from the SDK's attribution, or — for an SDK that gives none
 * — from the settings that select one, in the default chain's order. Pure; exported for tests.
 */
export function describeCredentialSource(
  marks: Readonly<Record<string, unknown>> | undefined,
  identityEnv: IdentityEnv,
  profile: string | undefined,
): { source: string; profile: string | undefined } {
  const chosenProfile = profile ?? identityEnv.AWS_PROFILE ?? 'default';
  for (const [feature, source, fromProfile] of SOURCES) {
    if (marks?.[feature] !== undefined) return { source, profile: fromProfile ? chosenProfile : undefined };
  }
  if (profile === undefined && identityEnv.AWS_ACCESS_KEY_ID)
    return { source: 'environment variables (AWS_ACCESS_KEY_ID)', profile: undefined };
  if (profile === undefined && identityEnv.AWS_ROLE_ARN && identityEnv.AWS_WEB_IDENTITY_TOKEN_FILE) {
    return { source: 'web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)', profile: undefined };
  }
  return { source: 'the default credential chain', profile: chosenProfile };
}

/** What a failed walk of the credential chain says to the user (the details go to the log). */
function explainCredentialsFailure(error: unknown, profile: string | undefined, logger: Logger): DiagnosticError {
  const { name, message } = readAwsFailure(error);
  logger.debug(`doctor: credentials: ${name}: ${message}`);
  return new DiagnosticError(
    'no-credentials',
    `no AWS credentials found (${message})`,
    profile === undefined
      ? 'set AWS_PROFILE (and run `aws sso login` for an SSO profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached'
      : `define profile ${profile} in ~/.aws/config (and run \`aws sso login --profile ${profile}\` for an SSO profile)`,
  );
}

/** What a failed `GetCallerIdentity` says to the user (the details go to the log). */
function explainCallerIdentityFailure(error: unknown, logger: Logger): DiagnosticError {
  const { kind, name, code, message } = readAwsFailure(error);
  logger.debug(`doctor: GetCallerIdentity: ${name}: ${message}`);
  if (kind === 'network') {
    return new DiagnosticError(
      'network',
      `could not reach AWS STS (${code || name || 'network error'})`,
      'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_STS',
    );
  }
  if (kind === 'expired-credentials') {
    return new DiagnosticError('rejected', `the AWS session credentials have expired (${name})`, 'refresh them (e.g. `aws sso login`)');
  }
  if (kind === 'invalid-credentials') {
    return new DiagnosticError(
      'rejected',
      `AWS rejected the credentials (${name}: ${message})`,
      'check that the access key is active and its secret matches (aws iam list-access-keys)',
    );
  }
  return new DiagnosticError('other', `GetCallerIdentity failed (${name ? `${name}: ` : ''}${message})`, 'see the log for details');
}

/** The default credential chain's credentials, or a `DiagnosticError` when it does not answer in time. */
async function resolveChainWithDeadline(sdk: SdkClients, sdkLogger: ReturnType<typeof createSdkLogger>, profile: string | undefined) {
  const provider = sdk.defaultProvider({ logger: sdkLogger, ...(profile === undefined ? {} : { profile }) });
  return withDeadline(
    provider(),
    CREDENTIALS_DEADLINE_MS,
    () =>
      new DiagnosticError(
        'no-credentials',
        `no AWS credentials within ${CREDENTIALS_DEADLINE_MS / 1000} s: a credentials endpoint (container credentials, instance metadata) or credential_process did not answer`,
        'check that endpoint, or set AWS_PROFILE or AWS_ACCESS_KEY_ID',
      ),
  );
}

/**
 * STS `GetCallerIdentity` with `config` (the region, the token source's timeouts and retries,
 * the chain's credentials), at the dual-stack endpoint for a dual-stack registry, and the
 * address that answered.
 */
async function sendGetCallerIdentity(
  sdk: SdkClients,
  config: ConstructorParameters<ReturnType<SdkClients['loadSts']>['STSClient']>[0] & { readonly region: string },
  dualStack: boolean,
  logger: Logger,
): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand, STSClient } = sdk.loadSts();
  const useDualstackEndpoint = dualStackOption(dualStack, () => new STSClient({ region: config.region }));
  const client = new STSClient({ ...config, useDualstackEndpoint });
  const recorded = recordEndpoint(client);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    const endpoint = recorded();
    return { arn: out.Arn ?? '(no ARN in the answer)', account: out.Account ?? '', ...(endpoint ? { endpoint } : {}) };
  } catch (error) {
    if (error instanceof DiagnosticError) throw error;
    throw explainCallerIdentityFailure(error, logger);
  } finally {
    client.destroy();
  }
}

/** Creates the diagnostics; nothing is loaded until a method is called. */
export function createAwsDiagnostics(options: AwsDiagnosticsOptions): AwsDiagnostics {
  const { logger, identityEnv, profile, retry } = options;
  let loaded: Promise<{ sdk: SdkClients; agent: http.Agent }> | undefined;
  const load = (): Promise<{ sdk: SdkClients; agent: http.Agent }> =>
    (loaded ??= import('./sdk-clients').then((sdk) => ({ sdk, agent: createProxyAgent(sdk) })));
  const sdkLogger = createSdkLogger(logger, 'debug');
  const resolveChain = async () => resolveChainWithDeadline((await load()).sdk, sdkLogger, profile);
  /**
   * The chain's credentials, resolved once: STS signs with what `resolveCredentials` found,
   * rather than walking the chain again (a credential_process, an SSO or role refresh, a
   * metadata call twice). A failure is not kept: the next call walks the chain afresh.
   */
  let found: ReturnType<typeof resolveChain> | undefined;
  const chain = (): ReturnType<typeof resolveChain> =>
    (found ??= resolveChain().catch((error: unknown) => {
      found = undefined;
      throw error;
    }));

  let policy: Promise<RetryPolicy> | undefined;
  const retryPolicy = (): Promise<RetryPolicy> => (policy ??= load().then(({ sdk }) => resolveRetryPolicy(sdk, retry, profile)));

  return {
    resolveRetryPolicy: retryPolicy,

    async resolveCredentials() {
      try {
        const credentials = await chain();
        const marks = (credentials as { $source?: Record<string, unknown> }).$source;
        const named = describeCredentialSource(marks, identityEnv, profile);
        return { ...named, keyIdEnd: credentials.accessKeyId.slice(-4), expiresAt: credentials.expiration };
      } catch (error) {
        if (error instanceof DiagnosticError) throw error;
        throw explainCredentialsFailure(error, profile, logger);
      }
    },

    async getCallerIdentity(region, dualStack = false) {
      const { sdk, agent } = await load();
      const requestHandler = nodeHandlerOptions(agent);
      const clientConfig = { ...retryClientOptions(sdk, await retryPolicy()), logger: sdkLogger, requestHandler, credentials: chain };
      return sendGetCallerIdentity(sdk, { ...clientConfig, region }, dualStack, logger);
    },

    async httpGet(address, authorization, timeoutMs) {
      const { agent } = await load();
      return diagnosticHttpGet(agent, address, authorization, timeoutMs);
    },

    async proxyFor(url) {
      const { sdk } = await load();
      const parsed = new URL(url);
      const port = parsed.port || (parsed.protocol === 'http:' ? '80' : '443');
      return chooseProxy(sdk, parsed.protocol, parsed.hostname, port) || undefined;
    },
  };
}
