import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { version } from '../../package.json';
import { findBun } from '../../scripts/find-bun';
import { useEmulator } from '../helpers/emulator-fixture';
import { itWithSymlinks } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import {
  describeExeOnly,
  EXE_SUFFIX,
  HELPER_BIN,
  HELPER_COMMAND,
  type HelperResult,
  PROVIDER_BIN,
  startHelper,
} from '../helpers/run-helper';
import { describeWithSecretService, useSharedTestSession } from '../helpers/secret-service';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * The single-file executable itself (`npm run package`), beyond what the rest of the suite
 * checks when it runs against it (`npm run test:exe`): what a compiled Bun program would do by
 * default and must not, and that it works as one file under any of its names.
 */

const HOST = '123456789012.dkr.ecr.ap-south-1.amazonaws.com';
/** The npm package's launcher, beside the executable under test. */
const NODE_HELPER_BIN = path.resolve(__dirname, '../../bin/docker-credential-ecr-login');
const NOT_FOUND = 'credentials not found in native keychain\n';

const emulator = useEmulator();

/** The pinned Bun (the devDependency's platform package), for the control runs. */
function pinnedBun(): string {
  const found = findBun();
  if ('error' in found) throw new Error(`the control run needs the pinned Bun: ${found.error}`);
  return found.bun;
}

describeExeOnly('the single-file executable', () => {
  it('is a compiled program, not a script that needs Node', () => {
    const head = Buffer.alloc(2);
    const fd = fs.openSync(HELPER_BIN, 'r');
    fs.readSync(fd, head, 0, 2, 0);
    fs.closeSync(fd);
    expect(head.toString('latin1')).not.toBe('#!');
    expect(HELPER_COMMAND).toEqual([HELPER_BIN]);
  });

  describe('does not read .env or bunfig.toml from its working directory', () => {
    /**
     * A working directory as an attacker would leave it for a user who runs docker there: a
     * `.env` with AWS credentials the emulator accepts (read, they would turn the failing
     * call below into a success) and a `bunfig.toml` whose preload leaves a marker file.
     */
    function plantedDirectory(): { cwd: string; marker: string } {
      const cwd = makeTempDir();
      const marker = path.join(makeTempDir(), 'preload-ran');
      const { accessKeyId, secretAccessKey } = TEST_CREDENTIALS.allowed;
      fs.writeFileSync(path.join(cwd, '.env'), `AWS_ACCESS_KEY_ID=${accessKeyId}\nAWS_SECRET_ACCESS_KEY=${secretAccessKey}\n`);
      fs.writeFileSync(path.join(cwd, 'bunfig.toml'), 'preload = ["./evil.js"]\n');
      fs.writeFileSync(path.join(cwd, 'evil.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
      return { cwd, marker };
    }

    /** The emulator's endpoints, and no AWS credentials at all. */
    function environment(): Record<string, string> {
      const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = emulator.env();
      return { HOME: makeTempDir(), ...rest };
    }

    it('the planted files are what Bun itself reads (control)', () => {
      const { cwd, marker } = plantedDirectory();
      fs.writeFileSync(path.join(cwd, 'probe.js'), 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID ?? "unset");\n');
      const run = runProgramSync(pinnedBun(), ['probe.js'], { cwd, env: { PATH: testPath() }, timeout: 20_000 });
      expect(run.stdout).toBe(TEST_CREDENTIALS.allowed.accessKeyId);
      expect(fs.existsSync(marker)).toBe(true);
    });

    it('neither is read: no preload ran, and the call behaves as in an empty directory', async () => {
      const { cwd, marker } = plantedDirectory();
      const env = environment();
      const planted = await startHelper(['get'], HOST, env, undefined, { cwd }).result;
      expect(fs.existsSync(marker)).toBe(false);
      expect(planted).toMatchObject({
        code: 1,
        stdout: NOT_FOUND,
        stderr: expect.stringContaining(`ecr-login: no AWS credentials found for ${HOST}`),
      });
      const clean = await startHelper(['get'], HOST, env, undefined, { cwd: makeTempDir() }).result;
      expect({ code: planted.code, stdout: planted.stdout, stderr: planted.stderr }).toEqual({
        code: clean.code,
        stdout: clean.stdout,
        stderr: clean.stderr,
      });
      expect(emulator.calls).toHaveLength(0);
    });
  });

  it('shares the token cache with the Node entry (same file, same keys): one ECR call for both', async () => {
    const env = { HOME: makeTempDir(), ...emulator.env() };
    const node = await startHelper(['get'], HOST, env, [process.execPath, NODE_HELPER_BIN]).result;
    expect(node).toMatchObject({ code: 0, stderr: '' });
    const exe = await startHelper(['get'], HOST, env).result;
    expect(exe).toMatchObject({ code: 0, stderr: '', stdout: node.stdout });
    expect(emulator.calls.filter((c) => c.action === 'GetAuthorizationToken')).toHaveLength(1);
    // And the other way round, for a registry the executable fetched.
    const other = '123456789012.dkr.ecr.ap-south-2.amazonaws.com';
    expect(await startHelper(['get'], other, env).result).toMatchObject({ code: 0, stderr: '' });
    expect(await startHelper(['get'], other, env, [process.execPath, NODE_HELPER_BIN]).result).toMatchObject({ code: 0, stderr: '' });
    expect(emulator.calls.filter((c) => c.action === 'GetAuthorizationToken')).toHaveLength(2);
  });

  /**
   * A copy of the executable alone in an empty directory (no node_modules, no dist/), started
   * by name through PATH as docker starts it, in an empty working directory.
   */
  function loneCopy(): (args: string[], input: string, env: Record<string, string>) => Promise<HelperResult> {
    const binDir = makeTempDir();
    fs.copyFileSync(HELPER_BIN, path.join(binDir, path.basename(HELPER_BIN)));
    return (args, input, env) =>
      startHelper(args, input, { ...env, PATH: testPath(binDir) }, [path.basename(HELPER_BIN)], {
        cwd: makeTempDir(),
      }).result;
  }

  it('copied alone into an empty directory on PATH: answers version, a not-found get, and a cache hit', async () => {
    const runByName = loneCopy();
    const home = makeTempDir();
    expect(await runByName(['version'], '', { HOME: home })).toMatchObject({ code: 0, stdout: `docker-credential-ecr-login ${version}\n` });
    expect(await runByName(['get'], 'registry.example.com', { HOME: home })).toMatchObject({ code: 1, stdout: NOT_FOUND });
    const env = { HOME: home, ...emulator.env() };
    const miss = await runByName(['get'], HOST, env);
    expect(miss).toMatchObject({ code: 0, stderr: '' });
    const hit = await runByName(['get'], HOST, env);
    expect(hit).toMatchObject({ code: 0, stderr: '', stdout: miss.stdout });
    expect(emulator.calls.filter((c) => c.action === 'GetAuthorizationToken')).toHaveLength(1);
  });

  it('--help names the README beside it (the release archive unpacked), never a directory of the build', () => {
    const dir = makeTempDir();
    const copy = path.join(dir, `docker-credential-ecr-login${EXE_SUFFIX}`);
    fs.copyFileSync(HELPER_BIN, copy);
    fs.chmodSync(copy, 0o755);
    const env = { HOME: makeTempDir(), PATH: testPath() };
    const build = path.resolve(__dirname, '../..');
    const alone = runProgramSync(copy, ['--help'], { env });
    expect(alone.stdout).toMatch(/^Each command has its own --help\. More: README\.md beside the executable \(release archive\), /m);
    expect(alone.stdout).not.toContain(build);
    fs.copyFileSync(path.join(build, 'README.md'), path.join(dir, 'README.md'));
    const unpacked = runProgramSync(copy, ['--help'], { env });
    expect(unpacked.stdout).toContain(`\nEach command has its own --help. More: ${path.join(dir, 'README.md')}\n`);
    expect(unpacked.stdout).not.toContain(build);
  });

  // The release workflow's check of each archive (issue 21.5), here on this build's archive.
  (EXE_SUFFIX === '' ? it : it.skip)(
    'its release archive, unpacked, passes scripts/smoke-archive.sh',
    () => {
      const root = path.resolve(__dirname, '../..');
      const out = makeTempDir();
      const made = runProgramSync(
        process.execPath,
        [
          path.join(root, 'scripts/release-archive.mjs'),
          '--executable',
          HELPER_BIN,
          '--target',
          `${process.platform === 'darwin' ? 'darwin' : 'linux'}-${process.arch}`,
          '--outdir',
          out,
        ],
        { timeout: 120_000 },
      );
      expect(made.status).toBe(0);
      const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, TMPDIR: makeTempDir() };
      const smoke = runProgramSync('/bin/sh', [path.join(root, 'scripts/smoke-archive.sh'), made.stdout.trim(), version, root], {
        env,
        timeout: 120_000,
      });
      expect({ code: smoke.status, stderr: smoke.stderr }).toEqual({ code: 0, stderr: '' });
      expect(smoke.stdout).toContain('ok - holds LICENSE README.md docker-credential-ecr-login \n');
      expect(smoke.stdout).toContain('ok - --help names the README beside the executable, and no directory of the build\n');
      expect(smoke.stdout).toMatch(/^ok - .*cache.*$/m);
    },
    180_000,
  );

  describeWithSecretService('copied alone, with a Secret Service: the embedded keyring addon and worker', () => {
    const { session, it } = useSharedTestSession(() => emulator.reset());

    it('stores, gets and erases a non-ECR registry credential in the keychain', async () => {
      const runByName = loneCopy();
      const env = { HOME: makeTempDir(), ...session.env };
      const server = 'https://registry.example.com';
      const stored = await runByName(['store'], JSON.stringify({ ServerURL: server, Username: 'me', Secret: 's3cret' }), env);
      expect(stored).toMatchObject({ code: 0, stderr: '' });
      const got = await runByName(['get'], server, env);
      expect(got).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: server, Username: 'me', Secret: 's3cret' });
      expect(await runByName(['erase'], server, env)).toMatchObject({ code: 0, stderr: '' });
      expect(await runByName(['get'], server, env)).toMatchObject({ code: 1, stdout: NOT_FOUND });
    });
  });

  describe('picks its protocol from the name it is started by', () => {
    const kubeletAnswer = {
      code: 1,
      stdout: '',
      stderr: 'ecr-credential-provider: invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"\n',
    };

    it('dist/ecr-credential-provider (a link to the same file) speaks kubelet', async () => {
      expect(fs.statSync(PROVIDER_BIN).size).toBe(fs.statSync(HELPER_BIN).size);
      expect(await startHelper([], '{}', { HOME: makeTempDir() }, [PROVIDER_BIN]).result).toMatchObject(kubeletAnswer);
    });

    /** `make` puts the program at `provider` (named with `.exe` on Windows, which starts no other). */
    async function expectKubeletFrom(make: (provider: string) => void) {
      const binDir = makeTempDir();
      const provider = path.join(binDir, `ecr-credential-provider${EXE_SUFFIX}`);
      make(provider);
      expect(await startHelper([], '{}', { HOME: binDir }, [provider]).result).toMatchObject(kubeletAnswer);
    }

    itWithSymlinks('a symlink named ecr-credential-provider speaks kubelet', () =>
      expectKubeletFrom((provider) => fs.symlinkSync(HELPER_BIN, provider)),
    );

    it('a copy named ecr-credential-provider speaks kubelet', () => expectKubeletFrom((provider) => fs.copyFileSync(HELPER_BIN, provider)));

    it('under its own name it speaks docker', async () => {
      const out = await startHelper(['get'], 'registry.example.com', { HOME: makeTempDir() }, [HELPER_BIN]).result;
      expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND });
    });
  });
});
