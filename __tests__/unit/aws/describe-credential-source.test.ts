import { describeCredentialSource } from '../../../src/aws/create-aws-diagnostics';

describe('describeCredentialSource', () => {
  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, {}, undefined, { source: 'environment variables (AWS_ACCESS_KEY_ID)', profile: undefined }],
    [
      { CREDENTIALS_PROFILE: 'n', CREDENTIALS_PROFILE_SSO: 'r' },
      { AWS_PROFILE: 'dev' },
      undefined,
      { source: 'SSO (IAM Identity Center)', profile: 'dev' },
    ],
    [
      { CREDENTIALS_PROFILE: 'n', CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o', CREDENTIALS_STS_ASSUME_ROLE: 'i' },
      {},
      undefined,
      { source: 'assumed role (role_arn with source_profile)', profile: 'default' },
    ],
    [{ CREDENTIALS_PROFILE: 'n' }, {}, 'ci', { source: 'shared credentials/config files', profile: 'ci' }],
    [{ CREDENTIALS_PROFILE_PROCESS: 'v' }, { AWS_PROFILE: 'p' }, undefined, { source: 'credential_process', profile: 'p' }],
    [{ CREDENTIALS_IMDS: '0' }, {}, undefined, { source: 'EC2 instance metadata (instance profile)', profile: undefined }],
    [
      { CREDENTIALS_HTTP: 'z' },
      {},
      undefined,
      { source: 'container credentials endpoint (AWS_CONTAINER_CREDENTIALS_…)', profile: undefined },
    ],
    [
      { CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' },
      {},
      undefined,
      { source: 'web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)', profile: undefined },
    ],
    // An SDK that marks nothing: the settings that choose the source.
    [undefined, { AWS_ACCESS_KEY_ID: 'AKIA…' }, undefined, { source: 'environment variables (AWS_ACCESS_KEY_ID)', profile: undefined }],
    [undefined, { AWS_PROFILE: 'x' }, undefined, { source: 'the default credential chain', profile: 'x' }],
  ])('%j with %j (profile %s): %j', (marks, env, profile, expected) => {
    expect(describeCredentialSource(marks, env, profile)).toEqual(expected);
  });
});
