import { awsSharedFilesOf } from '../../../src/aws/aws-shared-files';

describe('awsSharedFilesOf (where the SDK reads profiles from)', () => {
  it.each([
    ['neither variable: under ~/.aws', {}, { config: '/home/u/.aws/config', credentials: '/home/u/.aws/credentials' }],
    [
      'both variables, as given',
      { AWS_CONFIG_FILE: '/etc/aws/config', AWS_SHARED_CREDENTIALS_FILE: 'rel/creds' },
      { config: '/etc/aws/config', credentials: 'rel/creds' },
    ],
    [
      'a leading ~ expanded from the home directory',
      { AWS_CONFIG_FILE: '~/cfg', AWS_SHARED_CREDENTIALS_FILE: '~' },
      { config: '/home/u/cfg', credentials: '/home/u' },
    ],
    [
      '~user and a ~ inside are not expanded',
      { AWS_CONFIG_FILE: '~other/cfg', AWS_SHARED_CREDENTIALS_FILE: '/a/~/b' },
      { config: '~other/cfg', credentials: '/a/~/b' },
    ],
  ])('%s', (_what, env, expected) => {
    expect(awsSharedFilesOf(env, '/home/u')).toEqual(expected);
  });
});
