import * as path from 'node:path';
import { parseConfig } from '../../../src/config';
import { resolveHomeDir, resolveUserHomeDir } from '../../../src/entry/resolve-home-dir';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

const OS_HOME = 'from-os-homedir';
const osHomeDir = () => OS_HOME;

describe('resolveHomeDir', () => {
  it.each([
    // Unix: HOME whenever set, even empty (config then refuses to cache); else the password database.
    ['linux', { HOME: '/home/me', USERPROFILE: '/elsewhere' }, '/home/me'],
    ['darwin', { HOME: '/Users/me' }, '/Users/me'],
    ['linux', { HOME: '' }, ''],
    ['darwin', { USERPROFILE: '/elsewhere' }, OS_HOME],
    // Windows: the AWS SDK's order, so the fingerprint reads the ~/.aws/config the SDK reads.
    ['win32', { HOME: 'C:\\msys\\home\\me', USERPROFILE: 'C:\\Users\\me' }, 'C:\\msys\\home\\me'],
    ['win32', { HOME: '', USERPROFILE: 'C:\\Users\\me' }, 'C:\\Users\\me'],
    ['win32', { HOMEDRIVE: 'D:', HOMEPATH: '\\Users\\me' }, 'D:\\Users\\me'],
    ['win32', { HOMEPATH: '\\Users\\me' }, 'C:\\\\Users\\me'],
    ['win32', {}, OS_HOME],
  ] as const)('%s, %j: %s', (platform, env, expected) => {
    expect(resolveHomeDir(env, platform, osHomeDir)).toBe(expected);
  });
});

describe('resolveUserHomeDir: the home docker and podman use (Go’s os.UserHomeDir)', () => {
  it.each([
    ['linux', { HOME: '/home/me', USERPROFILE: '/elsewhere' }, '/home/me'],
    ['darwin', { USERPROFILE: '/elsewhere' }, OS_HOME],
    // Git Bash with a network HOME: docker still reads %USERPROFILE%\.docker.
    ['win32', { HOME: 'H:\\', USERPROFILE: 'C:\\Users\\me' }, 'C:\\Users\\me'],
    ['win32', { HOME: 'H:\\', USERPROFILE: '' }, OS_HOME],
    ['win32', { HOME: 'H:\\' }, OS_HOME],
  ] as const)('%s, %j: %s', (platform, env, expected) => {
    expect(resolveUserHomeDir(env, platform, osHomeDir)).toBe(expected);
  });
});

describe('two homes (Windows with HOME set by a shell): what lives where', () => {
  const AWS_HOME = '/shell/home';
  const USER_HOME = '/profile/me';

  it('the token cache, its log and the settings file in the user’s home; AWS files read from the SDK’s', () => {
    const config = parseConfig({}, AWS_HOME, USER_HOME);
    expect(config).toMatchObject({
      homeDir: AWS_HOME,
      userHomeDir: USER_HOME,
      cacheDir: '/profile/me/.ecr',
      logFile: '/profile/me/.ecr/log/ecr-login.log',
      settingsFile: { path: '/profile/me/.ecr/config.json', fromEnv: false },
    });
  });

  it('~ in AWS_ECR_CACHE_DIR and AWS_ECR_CONFIG is the user’s home', () => {
    const config = parseConfig({ AWS_ECR_CACHE_DIR: '~/cache', AWS_ECR_CONFIG: '~/ecr.json' }, AWS_HOME, USER_HOME);
    expect(config).toMatchObject({ cacheDir: '/profile/me/cache', settingsFile: { path: '/profile/me/ecr.json', fromEnv: true } });
  });

  it('one home when only one is given (Unix)', () => {
    expect(parseConfig({}, '/home/me')).toMatchObject({ homeDir: '/home/me', userHomeDir: '/home/me', cacheDir: '/home/me/.ecr' });
  });
});

describe('two homes, through the whole command', () => {
  it('configure edits the docker config in the user’s home, not in HOME', async () => {
    const awsHome = makeTempDir();
    const userHome = makeTempDir();
    const { code, stdout } = await runInProcess(['configure', '--registry', '123456789012.dkr.ecr.us-east-1.amazonaws.com', '--dry-run'], {
      homeDir: awsHome,
      userHomeDir: userHome,
      now: Date.now,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`+++ ${path.join(userHome, '.docker', 'config.json')}\n`);
    expect(stdout).not.toContain(awsHome);
  });
});
