import { resolveHomeDir } from '../../../src/entry/resolve-home-dir';

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
