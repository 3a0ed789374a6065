import { execFileSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LocalNpmRegistry, startLocalNpmRegistry } from '../helpers/local-npm-registry';
import { type ProgramResult, runProgram, runProgramSync } from '../helpers/program-runs';
import { describeExeOnly, describeNodeOnly } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The install paths README's "Install" section offers, each into an empty place, as on a
 * clean machine, and each checked by scripts/smoke.mjs (`version`, a not-found `get`, a token
 * from the emulator and a cache hit, the kubelet provider):
 * - the npm package: `npm pack` of a clone, `npm install -g <tarball>` into an empty prefix,
 *   its one dependency (@napi-rs/keyring and its platform package) from a registry of the
 *   test's own on loopback (helpers/local-npm-registry.ts), with an empty npm cache and no
 *   npm config of the machine's: nothing of what ~/.npm holds, no network;
 * - the single-file executable (`npm run package`), copied alone into an empty directory on
 *   PATH, under both its names.
 * And the paths that are not offered: `npm install -g <source folder>` and of a `git+file:`
 * URL stop with a message that says what to do, and leave nothing installed.
 *
 * The npm package is tested in the Node pass of the suite; the executable wherever it is
 * built, and always in the executable's pass (`npm run test:exe`, which builds it first).
 */

const ROOT = path.resolve(__dirname, '../..');
const { name: NAME, version: VERSION } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const EXE = process.platform === 'win32' ? '.exe' : '';
const EXECUTABLE = path.resolve(process.env.ECR_LOGIN_TEST_EXE || path.join(ROOT, 'dist', `docker-credential-ecr-login${EXE}`));
const NPM_TIMEOUT_MS = 60_000;

/** The test's own registry (started before the npm tests): npm runs with its environment. */
let registry: LocalNpmRegistry | undefined;

/** npm, in the test's own npm world; asynchronous, so that the registry in this process answers it. */
function npm(args: readonly string[], cwd: string): Promise<ProgramResult> {
  if (!registry) throw new Error('the local npm registry did not start (see the beforeAll error)');
  return runProgram('npm', args, { cwd, env: registry.npmEnv(), timeoutMs: NPM_TIMEOUT_MS });
}

/** Fails with npm's own words. */
function expectSuccess(result: ProgramResult, what: string): void {
  if (result.code === 0) return;
  throw new Error(`${what} failed (exit ${result.code ?? result.signal}):\n${result.stderr}`);
}

/** A copy of the checkout as a fresh clone has it (tracked and new files; no node_modules, no dist). */
function copyCheckout(): string {
  const dir = makeTempDir('ecr-login-clone-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '');
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  return dir;
}

/** Every file and link under `dir`, links not followed (directories alone are not listed). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const shown = path.join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(path.join(dir, entry.name), shown) : [shown];
  });
}

/** scripts/smoke.mjs of `checkout` (it starts that checkout's built emulator), with `PATH` as given. */
function smoke(checkout: string, pathDirs: readonly string[], helper: string, provider: string, cwd: string): SpawnSyncReturns<string> {
  // What a process needs to start on Windows, by the names' own spelling (case-insensitive there).
  const needed = ['SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'TMPDIR'];
  const keep = Object.fromEntries(Object.entries(process.env).filter(([name]) => needed.includes(name.toUpperCase())));
  return runProgramSync(
    process.execPath,
    [path.join(checkout, 'scripts/smoke.mjs'), '--helper', helper, '--provider', provider, '--version', VERSION],
    { cwd, env: { ...keep, PATH: pathDirs.join(path.delimiter) }, timeout: 60_000 },
  );
}

const NOT_OFFERED = [
  `${NAME}: cannot build in `,
  `Installing ${NAME} from a source folder or a git URL is not supported. Instead, in a clone of the repository:`,
  `  npm ci && npm pack && npm install -g ./${NAME}-${VERSION}.tgz`,
];

// npm's global layout and command shims differ on Windows (<prefix>/*.cmd); the release
// workflow checks the package there.
const describeNpm = (name: string, fn: () => void): void =>
  process.platform === 'win32'
    ? describe.skip(`${name} [skipped: tested on Linux and macOS here, on Windows by the release workflow]`, fn)
    : describeNodeOnly(name, 'the npm package runs on Node, and the Node pass tests it', fn);

describeNpm('the npm package', () => {
  let clone = '';
  let tarball = '';
  /** A clean source folder: a clone before `npm ci` (the failed installs below leave it as it is). */
  let source = '';

  beforeAll(async () => {
    registry = await startLocalNpmRegistry(ROOT, process.env);
    // A clone after `npm ci`: its node_modules is this checkout's (offline), its dist/ is not built yet.
    clone = copyCheckout();
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'junction');
    const packed = makeTempDir();
    expectSuccess(await npm(['pack', '--pack-destination', packed], clone), 'npm pack');
    tarball = path.join(packed, `${NAME}-${VERSION}.tgz`);
    source = copyCheckout();
  }, NPM_TIMEOUT_MS);
  afterAll(() => registry?.close());

  it('npm install -g of the tarball puts both commands on PATH, copied into the prefix, and they work', async () => {
    const prefix = makeTempDir();
    expectSuccess(await npm(['install', '-g', tarball, '--prefix', prefix], prefix), 'npm install -g <tarball>');
    const bin = path.join(prefix, 'bin');
    expect(fs.readdirSync(bin).sort()).toEqual(['docker-credential-ecr-login', 'ecr-credential-provider']);
    // Its dependency came from the test's registry, into the package's own node_modules.
    expect(registry?.requests).toContain('/@napi-rs%2fkeyring');
    expect(fs.existsSync(path.join(prefix, 'lib/node_modules', NAME, 'node_modules/@napi-rs/keyring/package.json'))).toBe(true);
    for (const command of fs.readdirSync(bin)) {
      expect(fs.realpathSync(path.join(bin, command))).toBe(fs.realpathSync(path.join(prefix, 'lib/node_modules', NAME, 'bin', command)));
    }
    // By name, from PATH, as docker and kubelet start them; `node` is on PATH for the launcher's #!.
    const out = smoke(
      clone,
      [bin, path.dirname(process.execPath)],
      'docker-credential-ecr-login',
      'ecr-credential-provider',
      makeTempDir(),
    );
    expect({ status: out.status, stdout: out.stdout, stderr: out.stderr }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/\nok - the second get made no call \(a cache hit\)\n.*\nsmoke test passed\n$/s),
      stderr: '',
    });
  }, 60_000);

  it('npm install -g of a clean source folder stops, says what to do instead, and leaves nothing installed', async () => {
    const prefix = makeTempDir();
    const out = await npm(['install', '-g', source, '--prefix', prefix], prefix);
    expect(out.code).not.toBe(0);
    for (const line of NOT_OFFERED) expect(out.stderr).toContain(`npm error ${line}`);
    expect(filesUnder(prefix)).toEqual([]);
  }, 60_000);

  it('the same over an installed version leaves that version installed and working', async () => {
    const prefix = makeTempDir();
    expectSuccess(await npm(['install', '-g', tarball, '--prefix', prefix], prefix), 'npm install -g <tarball>');
    const out = await npm(['install', '-g', source, '--prefix', prefix], prefix);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(`npm error ${NOT_OFFERED[1]}`);
    const installed = path.join(prefix, 'lib/node_modules', NAME);
    expect(fs.lstatSync(installed).isDirectory()).toBe(true);
    const version = runProgramSync(process.execPath, [path.join(prefix, 'bin/docker-credential-ecr-login'), 'version']);
    expect(version).toMatchObject({ status: 0, stdout: `docker-credential-ecr-login ${VERSION}\n` });
  }, 60_000);

  it('npm install -g of a git+file: URL stops the same way and leaves nothing installed', async () => {
    const repo = copyCheckout();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'clone');
    const prefix = makeTempDir();
    const out = await npm(['install', '-g', `git+file://${repo}`, '--prefix', prefix], prefix);
    expect(out.code).not.toBe(0);
    // npm runs the preparation in a clone of its own and prefixes its errors once more.
    expect(out.stderr).toContain(`npm error npm error ${NOT_OFFERED[1]}`);
    expect(filesUnder(prefix)).toEqual([]);
  }, 60_000);
});

// The executable's pass (`npm run test:exe`) builds it and runs this.
describeExeOnly('the single-file executable, alone in an empty directory on PATH', () => {
  it('answers version, a not-found get, a token and a cache hit, and as ecr-credential-provider too, with no node_modules or Node', () => {
    const dir = makeTempDir();
    for (const command of ['docker-credential-ecr-login', 'ecr-credential-provider'])
      fs.copyFileSync(EXECUTABLE, path.join(dir, `${command}${EXE}`));
    expect(fs.readdirSync(dir).sort()).toEqual([`docker-credential-ecr-login${EXE}`, `ecr-credential-provider${EXE}`]);
    // PATH is that directory alone: no node, nothing else (the smoke script runs on this Node by its full path).
    const out = smoke(ROOT, [dir], 'docker-credential-ecr-login', 'ecr-credential-provider', makeTempDir());
    expect({ status: out.status, stdout: out.stdout, stderr: out.stderr }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/\nok - ecr-credential-provider: the cached token for kubelet\n.*\nsmoke test passed\n$/s),
      stderr: '',
    });
  }, 60_000);
});

describeNodeOnly('scripts/smoke.mjs', 'it is tested once, in the Node pass', () => {
  it('fails on a helper that answers a registry that is not ECR with anything but not-found', () => {
    const dir = makeTempDir();
    const helper = path.join(dir, 'fake-helper');
    // A Node launcher (#!) that gets `version` right and then hands out credentials for any host.
    fs.writeFileSync(
      helper,
      `#!/usr/bin/env node
if (process.argv[2] === 'version') process.stdout.write('docker-credential-ecr-login ${VERSION}\\n');
else process.stdout.write('{"ServerURL":"registry.smoke-test.invalid","Username":"u","Secret":"s"}\\n');
`,
    );
    const out = smoke(ROOT, [path.dirname(process.execPath)], helper, helper, makeTempDir());
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(
      /^ok - .*fake-helper version: docker-credential-ecr-login \S+\nok - the version is \S+\nnot ok - get for a registry that is not ECR: not found\n/,
    );
    expect(out.stdout).not.toContain('smoke test passed');
  });
});
