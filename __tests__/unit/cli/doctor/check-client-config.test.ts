import * as path from 'node:path';
import {
  checkContainersAuth,
  checkDockerConfig,
  type JsonFileRead,
  resolveContainersAuthFiles,
} from '../../../../src/cli/doctor/check-client-config';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const FILE = '/home/u/.docker/config.json';
const present = (value: unknown): JsonFileRead => ({ status: 'ok', value });

describe('checkDockerConfig (docker CLI: credHelpers > credsStore > auths)', () => {
  it.each([
    [
      'credHelpers names the helper',
      { credHelpers: { [HOST]: 'ecr-login' } },
      'OK',
      `${FILE}: credHelpers sends ${HOST} to docker-credential-ecr-login`,
    ],
    [
      'credHelpers wins over an auths entry',
      { credHelpers: { [HOST]: 'ecr-login' }, auths: { [HOST]: { auth: 'eA==' } } },
      'OK',
      `${FILE}: credHelpers sends ${HOST} to docker-credential-ecr-login (its auths entry for the host is ignored: credHelpers wins)`,
    ],
    [
      'credHelpers wins over credsStore',
      { credsStore: 'ecr-login', credHelpers: { [HOST]: 'desktop' } },
      'FAIL',
      `${FILE}: credHelpers sends ${HOST} to docker-credential-desktop, not to this helper`,
    ],
    [
      'credsStore is the helper',
      { credsStore: 'ecr-login' },
      'OK',
      `${FILE}: credsStore sends every registry, ${HOST} included, to docker-credential-ecr-login`,
    ],
    [
      'credsStore is another helper',
      { credsStore: 'desktop', auths: { [HOST]: {} } },
      'FAIL',
      `${FILE}: no credHelpers entry for ${HOST}, so docker asks credsStore docker-credential-desktop`,
    ],
    [
      'a docker login password only',
      { auths: { [`https://${HOST}`]: { auth: 'eA==' } } },
      'FAIL',
      `${FILE}: no credHelpers entry for ${HOST}; docker uses the password a \`docker login\` left in auths, which expires within 12 hours`,
    ],
    [
      'a credHelpers key docker does not match (a scheme)',
      { credHelpers: { [`https://${HOST}`]: 'ecr-login' } },
      'FAIL',
      `${FILE}: credHelpers has "https://${HOST}", which docker does not match against ${HOST} (it looks the bare host name up)`,
    ],
    [
      'a credHelpers key docker does not match (:443)',
      { credHelpers: { [`${HOST}:443`]: 'ecr-login' } },
      'FAIL',
      `${FILE}: credHelpers has "${HOST}:443", which docker does not match against ${HOST} (it looks the bare host name up)`,
    ],
    ['nothing at all', {}, 'FAIL', `${FILE}: nothing sends ${HOST} to this helper (no credHelpers entry, no credsStore)`],
    ['not an object', [], 'FAIL', `${FILE} is not a JSON object`],
  ])('%s: %s', (_what, value, status, detail) => {
    const result = checkDockerConfig(FILE, present(value), HOST);
    expect({ status: result.status, detail: result.detail }).toEqual({ status, detail });
    expect(result.fix === null).toBe(status === 'OK');
  });

  it('a missing file: FAIL, the fix is the configure command or the JSON to add', () => {
    expect(checkDockerConfig(FILE, { status: 'missing' }, HOST)).toEqual({
      name: 'docker-config',
      status: 'FAIL',
      detail: `${FILE} does not exist, so docker does not use this helper for ${HOST}`,
      fix: `run \`docker-credential-ecr-login configure --registry ${HOST}\`, or add {"credHelpers":{"${HOST}":"ecr-login"}}`,
    });
  });

  it('an unreadable file: FAIL naming the parser error, with or without a host', () => {
    for (const host of [HOST, undefined]) {
      expect(checkDockerConfig(FILE, { status: 'invalid', reason: 'Unexpected end of JSON input' }, host)).toMatchObject({
        status: 'FAIL',
        detail: `${FILE} cannot be read as JSON: Unexpected end of JSON input`,
      });
    }
  });

  it('without a host: SKIP, listing what the file routes', () => {
    expect(
      checkDockerConfig(FILE, present({ credHelpers: { [HOST]: 'ecr-login', 'ghcr.io': 'gh' }, credsStore: 'ecr-login' }), undefined),
    ).toEqual({
      name: 'docker-config',
      status: 'SKIP',
      detail: `no registry given; ${FILE} routes to ecr-login: ${HOST}; credsStore: ecr-login (every registry)`,
      fix: null,
    });
  });
});

describe('checkContainersAuth (containers/image: first file with an entry decides; credsStore ignored)', () => {
  const AUTH = '/run/user/1000/containers/auth.json';
  const FILES = [AUTH, '/home/u/.config/containers/auth.json', FILE];
  const reader =
    (files: Record<string, unknown>) =>
    (file: string): JsonFileRead =>
      file in files ? present(files[file]) : { status: 'missing' };

  it.each([
    ['credHelpers in the docker config', { [FILE]: { credHelpers: { [HOST]: 'ecr-login' } } }, 'OK', `${FILE}: credHelpers sends ${HOST}`],
    [
      'a podman login in the first file shadows docker config',
      { [AUTH]: { auths: { [HOST]: { auth: 'eA==' } } }, [FILE]: { credHelpers: { [HOST]: 'ecr-login' } } },
      'FAIL',
      `${AUTH} has an auths entry "${HOST}"`,
    ],
    [
      'credHelpers in the first file wins over an auths entry there',
      { [AUTH]: { credHelpers: { [HOST]: 'ecr-login' }, auths: { [HOST]: { auth: 'eA==' } } } },
      'OK',
      `${AUTH}: credHelpers sends ${HOST}`,
    ],
    [
      'another helper in the first file',
      { [AUTH]: { credHelpers: { [HOST]: 'pass' } } },
      'FAIL',
      `${AUTH}: credHelpers sends ${HOST} to docker-credential-pass`,
    ],
    [
      'an empty auths placeholder decides nothing',
      { [AUTH]: { auths: { [HOST]: {} } }, [FILE]: { credHelpers: { [HOST]: 'ecr-login' } } },
      'OK',
      FILE,
    ],
    ['credsStore only, no containers file', { [FILE]: { credsStore: 'ecr-login' } }, 'SKIP', 'podman/skopeo ignore credsStore'],
    [
      'credsStore only, with a containers file',
      { [AUTH]: {}, [FILE]: { credsStore: 'ecr-login' } },
      'FAIL',
      'podman/skopeo ignore credsStore',
    ],
    ['nothing anywhere, no containers file', {}, 'SKIP', 'no file podman/skopeo read sends'],
  ])('%s: %s', (_what, files, status, detail) => {
    const result = checkContainersAuth(FILES, reader(files), HOST);
    expect(result.status).toBe(status);
    expect(result.detail).toContain(detail);
  });

  it('an unparsable file: FAIL naming it', () => {
    const read = (file: string): JsonFileRead => (file === AUTH ? { status: 'invalid', reason: 'bad' } : { status: 'missing' });
    expect(checkContainersAuth(FILES, read, HOST)).toMatchObject({ status: 'FAIL', detail: `${AUTH} cannot be read as JSON: bad` });
  });

  it('without a host: SKIP', () => {
    expect(checkContainersAuth(FILES, reader({}), undefined)).toMatchObject({ status: 'SKIP', detail: 'no registry given' });
  });
});

describe('resolveContainersAuthFiles', () => {
  it('the primary file, then ~/.config (XDG_CONFIG_HOME), then the docker config', () => {
    const home = path.resolve('/home/u');
    const primary = path.resolve('/run/user/1000/containers/auth.json');
    expect(resolveContainersAuthFiles({}, home, primary)).toEqual([
      primary,
      path.join(home, '.config', 'containers', 'auth.json'),
      path.join(home, '.docker', 'config.json'),
    ]);
    expect(resolveContainersAuthFiles({ XDG_CONFIG_HOME: path.resolve('/cfg') }, home, undefined)).toEqual([
      path.join(path.resolve('/cfg'), 'containers', 'auth.json'),
      path.join(home, '.docker', 'config.json'),
    ]);
  });

  it('REGISTRY_AUTH_FILE: that file, then the docker config, not ~/.config', () => {
    const file = path.resolve('/a.json');
    expect(
      resolveContainersAuthFiles({ REGISTRY_AUTH_FILE: file, DOCKER_CONFIG: path.resolve('/d') }, path.resolve('/home/u'), file),
    ).toEqual([file, path.join(path.resolve('/d'), 'config.json')]);
  });
});
