import { classifyAssumeRoleError, classifyAwsError, readAwsFailure } from '../../../src/aws/classify-aws-error';
import { parseRegistry, type Registry } from '../../../src/registry/parse-registry';

const privateRegistry = parseRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com') as Registry;
const publicRegistry = parseRegistry('public.ecr.aws') as Registry;

function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('classifyAwsError', () => {
  it('names the principal and the missing action for AccessDenied', () => {
    const error = classifyAwsError(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: *',
      ),
      privateRegistry,
    );
    expect(error.reason).toBe('access-denied');
    expect(error.hint).toContain('arn:aws:iam::123456789012:user/ci');
    expect(error.hint).toContain('ecr:GetAuthorizationToken');
    expect(error.protocolMessage).toBe('credentials not found in native keychain');
  });

  it('names ecr-public and sts:GetServiceBearerToken for ECR Public', () => {
    const error = classifyAwsError(awsError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized'), publicRegistry);
    expect(error.hint).toContain('ecr-public:GetAuthorizationToken');
    expect(error.hint).toContain('sts:GetServiceBearerToken');
  });

  it.each([
    [awsError('CredentialsProviderError', 'Could not load credentials from any providers'), 'no-credentials', /AWS_PROFILE/],
    [awsError('ThrottlingException', 'Rate exceeded', { $metadata: { httpStatusCode: 400 } }), 'throttled', /throttled/],
    [awsError('Error', 'x', { $metadata: { httpStatusCode: 429 } }), 'throttled', /throttled/],
    [
      awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      'invalid-credentials',
      /access key/,
    ],
    [awsError('InvalidSignatureException', 'bad signature'), 'invalid-credentials', /secret/],
    [awsError('ExpiredTokenException', 'expired'), 'expired-credentials', /aws sso login/],
    [awsError('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'network', /ECONNREFUSED/],
    // fetch's request timeout (the executable's) carries no code: named as Node's socket timeout.
    [awsError('TimeoutError', 'Connection timed out after 3000 ms'), 'network', /\(ETIMEDOUT\)/],
    [awsError('ServerException', 'internal'), 'other', /ServerException: internal/],
  ])('%s -> %s', (error, reason, hint) => {
    const classified = classifyAwsError(error, privateRegistry);
    expect(classified.reason).toBe(reason);
    expect(classified.hint).toMatch(hint);
    expect(classified.hint).not.toContain('\n');
  });
});

describe("classifyAssumeRoleError for a registry's roleArn (STS AssumeRole)", () => {
  const ROLE = 'arn:aws:iam::123456789012:role/puller';
  it.each([
    [
      awsError('AccessDenied', `User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`),
      'assume-role-failed',
      `arn:aws:iam::111122223333:user/ci cannot assume ${ROLE} (AccessDenied: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole on resource: ${ROLE}): allow sts:AssumeRole on ${ROLE} for arn:aws:iam::111122223333:user/ci in its IAM policy, and trust it in the role's trust policy (with sts:ExternalId if the role requires one); or fix roleArn in the settings file`,
    ],
    [
      awsError('AccessDenied', 'Not authorized'),
      'assume-role-failed',
      `the source credentials cannot assume ${ROLE} (AccessDenied: Not authorized): allow sts:AssumeRole on ${ROLE} for the source credentials in its IAM policy, and trust it in the role's trust policy (with sts:ExternalId if the role requires one); or fix roleArn in the settings file`,
    ],
    [
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no-credentials',
      `no AWS credentials to assume ${ROLE} with: set the registry's "profile" in the settings file, AWS_PROFILE or AWS_ACCESS_KEY_ID`,
    ],
    [
      awsError('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
      'network',
      `could not reach AWS STS to assume ${ROLE} (ECONNREFUSED): check the network, proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL_STS`,
    ],
  ])('%s', (error, reason, hint) => {
    const classified = classifyAssumeRoleError(error, ROLE, 'assume-role');
    expect(classified.reason).toBe(reason);
    expect(classified.hint).toBe(hint);
    expect(classified.protocolMessage).toBe('credentials not found in native keychain');
  });
});

describe('readAwsFailure: one reading of what the SDK threw, for the token source and doctor', () => {
  const error = (name: string, message: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name, ...extra });
  it.each([
    [error('CredentialsProviderError', 'Could not load credentials from any providers'), 'no-credentials', undefined],
    [
      error(
        'AccessDeniedException',
        'User: arn:aws:sts::111122223333:assumed-role/ci/i-1 is not authorized to perform: ecr:GetAuthorizationToken',
      ),
      'access-denied',
      'arn:aws:sts::111122223333:assumed-role/ci/i-1',
    ],
    [error('AccessDenied', 'not authorized'), 'access-denied', undefined],
    [error('ExpiredTokenException', 'expired'), 'expired-credentials', undefined],
    [error('InvalidSignatureException', 'bad'), 'invalid-credentials', undefined],
    [error('ThrottlingException', 'slow down'), 'throttled', undefined],
    [error('Error', 'x', { $metadata: { httpStatusCode: 429 } }), 'throttled', undefined],
    [error('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'network', undefined],
    [error('TimeoutError', 'the request timed out'), 'network', undefined],
    [error('ValidationException', 'nope'), 'other', undefined],
  ])('%s: %s', (thrown, kind, principal) => {
    expect(readAwsFailure(thrown)).toMatchObject({ kind, principal });
  });

  it('names a timeout without a code ETIMEDOUT, and keeps a code the error has', () => {
    expect(readAwsFailure(error('TimeoutError', 'Request did not complete within 5000 ms'))).toMatchObject({ code: 'ETIMEDOUT' });
    expect(readAwsFailure(error('TimeoutError', 'x', { code: 'ECONNRESET' }))).toMatchObject({ code: 'ECONNRESET' });
    expect(readAwsFailure(error('AbortError', 'x'))).toMatchObject({ code: '' });
  });

  it('the refused principal travels as a field of the token error, not only in its text', () => {
    const denied = error('AccessDeniedException', 'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: x');
    const registry = {
      kind: 'ecr',
      host: '111122223333.dkr.ecr.us-east-1.amazonaws.com',
      registryId: '111122223333',
      region: 'us-east-1',
      fips: false,
    } as const;
    expect(classifyAwsError(denied, registry)).toMatchObject({ reason: 'access-denied', principal: 'arn:aws:iam::111122223333:user/ci' });
  });
});
