import { TokenFetchError } from '../errors';
import type { Registry } from '../registry/parse-registry';
import { sanitizeSdkText } from './sanitize-sdk-text';

function field(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** What kind of failure an AWS call met, as the token source and `doctor` tell it. */
export type AwsFailureKind =
  | 'network'
  | 'no-credentials'
  | 'access-denied'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'throttled'
  | 'other';

/** An error the AWS SDK threw, read once: its kind, its names, its text (sanitised), whom AWS refused. */
export interface AwsFailure {
  readonly kind: AwsFailureKind;
  readonly name: string;
  readonly code: string;
  /** The message, without a credential_process command line or output, capped (sanitize-sdk-text.ts). */
  readonly message: string;
  /** The principal AWS named in an access denial (`User: arn:… is not authorized`), if it did. */
  readonly principal: string | undefined;
}

/** `arn:…` after `User: ` and before ` is not authorized`, found by hand (the text is AWS's, of any length). */
function deniedPrincipal(message: string): string | undefined {
  const start = message.indexOf('User: ');
  if (start < 0) return undefined;
  const from = start + 'User: '.length;
  const end = message.indexOf(' ', from);
  const word = message.slice(from, end < 0 ? undefined : end);
  return word !== '' && message.startsWith(' is not authorized', end) ? word : undefined;
}

/**
 * Reads what the AWS SDK threw: the one classification the token source's hints and `doctor`'s
 * checks are written from (network failures, missing, expired or rejected credentials, access
 * denied with the principal, throttling).
 */
export function readAwsFailure(error: unknown): AwsFailure {
  const name = text(field(error, 'name'));
  const message = sanitizeSdkText(text(field(error, 'message')) || String(error));
  // fetch's request timeout (the executable's) has no code: named as Node's socket timeout is.
  const code = text(field(error, 'code')) || (name === 'TimeoutError' ? 'ETIMEDOUT' : '');
  const principal = deniedPrincipal(message);
  const failure = (kind: AwsFailureKind): AwsFailure => ({ kind, name, code, message, principal });
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) return failure('no-credentials');
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return failure('access-denied');
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(name)) return failure('expired-credentials');
  if (
    /^(UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException|SignatureDoesNotMatch|IncompleteSignature)$/.test(name)
  ) {
    return failure('invalid-credentials');
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name) || field(field(error, '$metadata'), 'httpStatusCode') === 429) {
    return failure('throttled');
  }
  if (NETWORK_CODES.has(code) || name === 'TimeoutError' || /socket hang up|ECONNREFUSED|timed? ?out/i.test(message))
    return failure('network');
  return failure('other');
}

/**
 * Why assuming a role failed: one line naming the role, the principal that asked (when STS
 * says) and what to fix. `web-identity`: with a service account token (kubelet's
 * service-account mode); `assume-role`: STS `AssumeRole` for a registry's `roleArn` setting.
 */
export function classifyAssumeRoleError(
  error: unknown,
  roleArn: string,
  mode: 'web-identity' | 'assume-role' = 'web-identity',
): TokenFetchError {
  if (error instanceof TokenFetchError) return error;
  const read = readAwsFailure(error);
  const { name, message, code } = read;
  if (read.kind === 'network') {
    return new TokenFetchError(
      'network',
      `could not reach AWS STS to assume ${roleArn} (${code || name || 'network error'}): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_STS`,
      { cause: error },
    );
  }
  const what = `${name ? `${name}: ` : ''}${message}`;
  if (mode === 'assume-role') {
    if (read.kind === 'no-credentials') {
      return new TokenFetchError(
        'no-credentials',
        `no AWS credentials to assume ${roleArn} with: set the registry's "profile" in the settings file, AWS_PROFILE or AWS_ACCESS_KEY_ID`,
        { cause: error },
      );
    }
    const principal = read.principal ?? 'the source credentials';
    return new TokenFetchError(
      'assume-role-failed',
      `${principal} cannot assume ${roleArn} (${what}): allow sts:AssumeRole on ${roleArn} for ${principal} in its IAM policy, ` +
        "and trust it in the role's trust policy (with sts:ExternalId if the role requires one); or fix roleArn in the settings file",
      { cause: error },
    );
  }
  const check = /InvalidIdentityToken/.test(name)
    ? "check that the cluster's OIDC provider is registered in IAM and the token's audience is sts.amazonaws.com"
    : "check that the role's trust policy allows sts:AssumeRoleWithWebIdentity for this service account and audience sts.amazonaws.com";
  return new TokenFetchError('assume-role-failed', `cannot assume ${roleArn} with the pod's service account token (${what}): ${check}`, {
    cause: error,
  });
}

/**
 * Turns whatever the AWS SDK threw into a `TokenFetchError` whose hint says what to fix.
 * The hint is one line; it names the principal and the missing IAM action when AWS says so.
 */
export function classifyAwsError(error: unknown, registry: Registry): TokenFetchError {
  if (error instanceof TokenFetchError) return error;
  const read = readAwsFailure(error);
  const { name, code, message } = read;
  const action = registry.kind === 'ecr-public' ? 'ecr-public:GetAuthorizationToken' : 'ecr:GetAuthorizationToken';
  const target = registry.host;
  const endpointVariable = registry.kind === 'ecr-public' ? 'AWS_ENDPOINT_URL_ECR_PUBLIC' : 'AWS_ENDPOINT_URL_ECR';
  const options = { cause: error, principal: read.principal };
  switch (read.kind) {
    case 'no-credentials':
      return new TokenFetchError(
        'no-credentials',
        `no AWS credentials found for ${target}: set AWS_PROFILE (and run \`aws sso login\` for SSO profiles), ` +
          'set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached',
        options,
      );
    case 'access-denied': {
      const extra = registry.kind === 'ecr-public' ? ' and sts:GetServiceBearerToken' : '';
      return new TokenFetchError(
        'access-denied',
        `access denied for ${target}: ${read.principal ?? 'the current AWS principal'} is not allowed to call ${action}${extra}; ` +
          `grant it in an IAM policy (resource "*") or use another profile`,
        options,
      );
    }
    case 'expired-credentials':
      return new TokenFetchError(
        'expired-credentials',
        `the AWS session credentials have expired (${name}) while fetching a token for ${target}: refresh them (e.g. \`aws sso login\`)`,
        options,
      );
    case 'invalid-credentials':
      return new TokenFetchError(
        'invalid-credentials',
        `AWS rejected the credentials (${name}) while fetching a token for ${target}: check that the access key is active and its secret matches`,
        options,
      );
    case 'throttled':
      return new TokenFetchError(
        'throttled',
        `ECR throttled the token request for ${target} even after retries (${name}); try again shortly or reduce parallel calls`,
        options,
      );
    case 'network':
      return new TokenFetchError(
        'network',
        `could not reach the ECR API for ${target} (${code || name || 'network error'}): check the network, proxy (HTTPS_PROXY) or ${endpointVariable}`,
        options,
      );
    default:
      return new TokenFetchError('other', `fetching a token for ${target} failed: ${name ? `${name}: ` : ''}${message}`, options);
  }
}
