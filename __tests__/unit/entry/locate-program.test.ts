import * as path from 'node:path';
import { locateProgram } from '../../../src/entry/locate-program';

const DIST = path.join(path.sep, 'opt', 'ecr', 'dist');
const worker = (dir: string) => path.join(dir, 'keychain-worker.js');
/** The executable's own file, which a compiled program's argv never names. */
const EXEC_PATH = '/usr/local/bin/docker-credential-ecr-login';

describe('locateProgram', () => {
  it.each([
    // The npm package: argv[1] is the bin/ launcher it was started as; the worker is beside the bundle.
    [['/usr/bin/node', '/opt/ecr/bin/docker-credential-ecr-login'], 'node', 'docker-credential-ecr-login', worker(DIST)],
    [['/usr/bin/node', '/opt/ecr/bin/ecr-credential-provider'], 'node', 'ecr-credential-provider', worker(DIST)],
    // The executable: argv[1] is its embedded entry, named as at compile time; argv0 is the name it was started by.
    [
      ['bun', '/$bunfs/root/docker-credential-ecr-login'],
      'docker-credential-ecr-login',
      'docker-credential-ecr-login',
      worker('/$bunfs/root'),
    ],
    [
      ['bun', '/$bunfs/root/docker-credential-ecr-login'],
      '/etc/kubelet/bin/ecr-credential-provider',
      'ecr-credential-provider',
      worker('/$bunfs/root'),
    ],
    [
      ['bun', 'B:/~BUN/root/docker-credential-ecr-login.exe'],
      'ecr-credential-provider.EXE',
      'ecr-credential-provider',
      worker('B:/~BUN/root'),
    ],
  ])('%j started as %s: %s, worker %s', (argv, argv0, name, workerFile) => {
    const embedded = /^(\/\$bunfs|B:\/~BUN)\//.test(argv[1] ?? '');
    expect(locateProgram(argv, argv0, DIST, EXEC_PATH)).toEqual({
      name,
      workerFile,
      file: embedded ? EXEC_PATH : argv[1],
      // The executable starts itself in its hidden keychain mode; Node runs the worker file.
      keychainCommand: embedded ? [EXEC_PATH, '__keychain-worker'] : [EXEC_PATH, workerFile],
      // The background refresher is the program again: the executable, or Node with the launcher.
      selfCommand: embedded ? [EXEC_PATH] : [EXEC_PATH, argv[1]],
    });
  });

  it('a script outside the embedded root is not the executable, whatever argv0 says', () => {
    expect(locateProgram(['/usr/bin/node', '/tmp/$bunfs/root/x'], 'ecr-credential-provider', DIST, EXEC_PATH)).toEqual({
      name: 'x',
      workerFile: worker(DIST),
      file: '/tmp/$bunfs/root/x',
      keychainCommand: [EXEC_PATH, worker(DIST)],
      selfCommand: [EXEC_PATH, '/tmp/$bunfs/root/x'],
    });
  });
});
