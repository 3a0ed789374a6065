import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { findProgram, itOnUnix, itWithSymlinks } from '../helpers/platform';
import { itAsRoot } from '../helpers/root';
import { HELPER_COMMAND, runHelper, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

const HOST = '123456789012.dkr.ecr.sa-east-1.amazonaws.com';
const FIFO = 'mkfifo: the Windows file system has no FIFOs';
const MODES = 'Windows has no POSIX modes';

const emulator = useEmulator();

/**
 * Runs the helper in a private mount namespace where the cache directory is a tmpfs set up
 * by `mountScript` (read-only, or full), without touching the machine's own mounts.
 */
function runInMountNamespace(mountScript: string, cacheDir: string, env: Record<string, string>) {
  fs.mkdirSync(cacheDir, { recursive: true });
  // The mount script runs with the harness's PATH (mount, dd); the helper with the test's own.
  const helperPath = testPath();
  const script = `set -e; PATH="$TOOLS_PATH"; ${mountScript}; PATH="$HELPER_PATH"; exec "$@"`;
  const withPaths = { ...env, CACHE: cacheDir, TOOLS_PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HELPER_PATH: helperPath };
  return startHelper(['get'], HOST, { ...withPaths, PATH: helperPath }, [
    findProgram('unshare') ?? 'unshare',
    '--mount',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    script,
    'sh',
    ...HELPER_COMMAND,
  ]).result;
}

function environment() {
  const home = makeTempDir();
  const cacheDir = path.join(home, 'cache');
  return { cacheDir, env: { HOME: home, AWS_ECR_CACHE_DIR: cacheDir, ...emulator.env() } };
}

describe('cache directory faults: the call still succeeds, with one warning', () => {
  itAsRoot('read-only cache directory', async () => {
    const { cacheDir, env } = environment();
    const out = await runInMountNamespace('mount -t tmpfs -o ro,size=1m,mode=0700 tmpfs "$CACHE"', cacheDir, env);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(out.stderr.trim().split('\n')).toEqual([
      `ecr-login: cannot write token cache ${path.join(cacheDir, 'tokens.json')} (EROFS); continuing without caching`,
    ]);
  });

  itAsRoot('full disk', async () => {
    const { cacheDir, env } = environment();
    const out = await runInMountNamespace(
      'mount -t tmpfs -o size=16k,mode=0700 tmpfs "$CACHE"; dd if=/dev/zero of="$CACHE/filler" bs=4k count=64 2>/dev/null || true',
      cacheDir,
      env,
    );
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(out.stderr.trim().split('\n')).toEqual([
      `ecr-login: cannot write token cache ${path.join(cacheDir, 'tokens.json')} (ENOSPC); continuing without caching`,
    ]);
  });
});

describe('cache file faults', () => {
  itWithSymlinks('a symlink at the cache path is not followed: one warning, the token still comes', async () => {
    const { cacheDir, env } = environment();
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const target = path.join(path.dirname(cacheDir), 'precious.txt');
    fs.writeFileSync(target, 'keep me');
    fs.symlinkSync(target, path.join(cacheDir, 'tokens.json'));
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(out.stderr.trim().split('\n')).toEqual([
      `ecr-login: not using the token cache: ${path.join(cacheDir, 'tokens.json')} is a symbolic link; remove it to re-enable caching`,
    ]);
  });

  itOnUnix('a FIFO at the cache path does not hang the call: one warning, the token still comes', FIFO, async () => {
    const { cacheDir, env } = environment();
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', [path.join(cacheDir, 'tokens.json')]);
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `ecr-login: not using the token cache: ${path.join(cacheDir, 'tokens.json')} is not a regular file; remove it to re-enable caching\n`,
    );
  });

  itAsRoot('a cache file owned by another user is neither read nor replaced', async () => {
    const { cacheDir, env } = environment();
    await runHelper(['get'], HOST, env);
    const file = path.join(cacheDir, 'tokens.json');
    const before = fs.readFileSync(file, 'utf8');
    fs.chownSync(file, 4242, 4242);
    emulator.reset();
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(emulator.calls).toHaveLength(1);
    expect(out.stderr.trim().split('\n')).toEqual([
      `ecr-login: not using the token cache: ${file} is owned by uid 4242, not by you (uid 0); remove it to re-enable caching`,
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('beside the Go helper (awslabs/amazon-ecr-credential-helper)', () => {
  it('leaves its ~/.ecr/cache.json untouched and keeps tokens in a file of its own', async () => {
    const { cacheDir, env } = environment();
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    // Go's format (ecr-login/cache/file.go: RegistryCache, AuthEntry), as its helper writes it.
    const goCache = `${JSON.stringify({
      Registries: {
        [`ecr-login-AKIAEXAMPLE-${HOST}`]: {
          AuthorizationToken: Buffer.from('AWS:go-helper-password').toString('base64'),
          RequestedAt: '2026-11-30T04:00:00Z',
          ExpiresAt: '2026-11-30T16:00:00Z',
          ProxyEndpoint: `https://${HOST}`,
          Service: 'ecr',
        },
      },
      Version: '1.0',
    })}\n`;
    fs.writeFileSync(path.join(cacheDir, 'cache.json'), goCache, { mode: 0o600 });
    const first = await runHelper(['get'], HOST, env);
    const second = await runHelper(['get'], HOST, env);
    expect([first.code, second.code, first.stderr, second.stderr]).toEqual([0, 0, '', '']);
    expect(JSON.parse(second.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(emulator.calls).toHaveLength(1);
    expect(fs.readFileSync(path.join(cacheDir, 'cache.json'), 'utf8')).toBe(goCache);
    expect(JSON.parse(fs.readFileSync(path.join(cacheDir, 'tokens.json'), 'utf8'))).toMatchObject({ version: 1 });
  });
});

describe('a cache directory that is not privately ours is not used: one warning, the token still comes', () => {
  /** Runs `get` and checks the token came, nothing was cached, and stderr is exactly `warning`. */
  async function expectRefused(env: Record<string, string>, warning: string, options: { cwd?: string } = {}) {
    const out = await startHelper(['get'], HOST, env, undefined, options).result;
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued.at(-1)?.password);
    expect(out.stderr).toBe(`${warning}\n`);
    return out;
  }

  itAsRoot('~/.ecr is a symlink to a directory owned by another user: not followed, nothing written there', async () => {
    const home = makeTempDir();
    const theirs = path.join(makeTempDir(), 'theirs');
    fs.mkdirSync(theirs, { mode: 0o700 });
    fs.chownSync(theirs, 4242, 4242);
    fs.symlinkSync(theirs, path.join(home, '.ecr'));
    await expectRefused(
      { HOME: home, ...emulator.env() },
      `ecr-login: not using ${path.join(home, '.ecr')} for the token cache, locks or log: it is owned by uid 4242, not by you (uid 0)`,
    );
    expect(fs.readdirSync(theirs)).toEqual([]);
  });

  itAsRoot('AWS_ECR_CACHE_DIR owned by another user (planted in a shared directory first)', async () => {
    const planted = path.join(makeTempDir(), 'ecr-cache');
    fs.mkdirSync(planted, { mode: 0o700 });
    fs.chownSync(planted, 4242, 4242);
    await expectRefused(
      { HOME: makeTempDir(), AWS_ECR_CACHE_DIR: planted, ...emulator.env() },
      `ecr-login: not using ${planted} for the token cache, locks or log: it is owned by uid 4242, not by you (uid 0)`,
    );
    expect(fs.readdirSync(planted)).toEqual([]);
  });

  itOnUnix('a cache directory anyone can write to (0777) is refused and left as it is', MODES, async () => {
    const dir = path.join(makeTempDir(), 'cache');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o777);
    await expectRefused(
      { HOME: makeTempDir(), AWS_ECR_CACHE_DIR: dir, ...emulator.env() },
      `ecr-login: not using ${dir} for the token cache, locks or log: it is writable by others (mode 777)`,
    );
    expect(fs.statSync(dir).mode & 0o777).toBe(0o777);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  itOnUnix('a cache directory inside a directory anyone can write to (no sticky bit) is refused', MODES, async () => {
    const open = path.join(makeTempDir(), 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const dir = path.join(open, 'cache');
    fs.mkdirSync(dir, { mode: 0o700 });
    await expectRefused(
      { HOME: makeTempDir(), AWS_ECR_CACHE_DIR: dir, ...emulator.env() },
      `ecr-login: not using ${open} for the token cache, locks or log: it is writable by others (mode 777)`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  itOnUnix('a new cache directory is made 0700, its parents too', MODES, async () => {
    const base = makeTempDir();
    const dir = path.join(base, 'a', 'b', 'cache');
    const out = await runHelper(['get'], HOST, { HOME: makeTempDir(), AWS_ECR_CACHE_DIR: dir, ...emulator.env() });
    expect(out).toMatchObject({ code: 0, stderr: '' });
    for (const d of [path.join(base, 'a'), path.join(base, 'a', 'b'), dir, path.join(dir, 'locks')]) {
      expect([d, fs.statSync(d).mode & 0o777]).toEqual([d, 0o700]);
    }
  });

  const homeNotAbsolute = async (home: string, warning: string) => {
    const cwd = makeTempDir();
    await expectRefused({ HOME: home, ...emulator.env() }, warning, { cwd });
    expect(fs.readdirSync(cwd)).toEqual([]);
  };

  itOnUnix(
    'HOME empty: nothing is written below the working directory',
    'Windows passes over an empty HOME for USERPROFILE, as the AWS SDK does',
    () =>
      homeNotAbsolute(
        '',
        'ecr-login: the home directory ("") is not an absolute path: not caching tokens or writing a log; set HOME or AWS_ECR_CACHE_DIR',
      ),
  );

  it('HOME relative: nothing is written below the working directory', () =>
    homeNotAbsolute(
      'rel',
      'ecr-login: the home directory ("rel") is not an absolute path: not caching tokens or writing a log; set HOME or AWS_ECR_CACHE_DIR',
    ));
});
