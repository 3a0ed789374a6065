import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeOnUnix, findProgram } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The GitHub Action (action.yml) and its script, scripts/action/install.sh, run as the runner
 * runs it, against a directory laid out as GitHub serves a release (download/<tag>/<asset>,
 * latest/download/<asset>) instead of GitHub: each "executable" there is a small script that
 * writes its arguments to a log and then runs the real helper (the Node entry), so the
 * configure result is the real one.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/action/install.sh');
const NODE_HELPER_BIN = path.join(ROOT, 'bin/docker-credential-ecr-login');
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const OTHER_HOST = '210987654321.dkr.ecr.eu-central-1.amazonaws.com';
/** What the script runs, linked into a directory of the test's own: nothing else of the machine's PATH. */
const TOOLS = ['bash', 'curl', 'awk', 'cut', 'mkdir', 'mv', 'rm', 'chmod', 'head', 'cat', 'tr'];
/** One of these computes the checksum (macOS has shasum only). */
const SHA256 = ['sha256sum', 'shasum'];
const NATIVE = `linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
const RUNNER_ARCH = process.arch === 'arm64' ? 'ARM64' : 'X64';

/** An asset that records how it was run (`<asset> <args>`), then is the real helper. */
function standIn(asset: string, log: string): string {
  return `#!/bin/sh\nprintf '%s\\n' "${asset} $*" >> "${log}"\nexec "${process.execPath}" "${NODE_HELPER_BIN}" "$@"\n`;
}

interface Release {
  readonly base: string;
  readonly log: string;
  /** The directory of one release's assets: `download/<tag>` or `latest/download`. */
  dir(tag: string): string;
}

/** A release directory holding `assets` for each of `tags` ("latest" too), each with its SHA256SUMS. */
function release(tags: readonly string[], assets: readonly string[]): Release {
  const base = makeTempDir();
  const log = path.join(makeTempDir(), 'runs.log');
  const dir = (tag: string): string => path.join(base, ...(tag === 'latest' ? ['latest', 'download'] : ['download', tag]));
  for (const tag of tags) {
    fs.mkdirSync(dir(tag), { recursive: true });
    const sums = assets.map((asset) => {
      const text = standIn(`${tag}/${asset}`, log);
      fs.writeFileSync(path.join(dir(tag), asset), text);
      return `${createHash('sha256').update(text).digest('hex')}  ${asset}\n`;
    });
    fs.writeFileSync(path.join(dir(tag), 'SHA256SUMS'), sums.join(''));
  }
  return { base, log, dir };
}

/** The tools, and an `ldd` that says which C library this is (glibc unless `libc` says musl). */
function toolsDir(libc: 'glibc' | 'musl', checksum: readonly string[] = SHA256): string {
  const dir = makeTempDir();
  const answer = libc === 'musl' ? 'musl libc (x86_64)\nVersion 1.2.5' : 'ldd (GNU libc) 2.36';
  fs.writeFileSync(path.join(dir, 'ldd'), `#!/bin/sh\necho '${answer}' >&2\nexit 1\n`, { mode: 0o755 });
  for (const tool of TOOLS) {
    const found = findProgram(tool);
    if (found === undefined) throw new Error(`the action's script needs ${tool}, which is not on PATH`);
    fs.symlinkSync(found, path.join(dir, tool));
  }
  const sha256 = checksum.find((tool) => findProgram(tool) !== undefined);
  if (sha256 === undefined) throw new Error(`the action's script needs one of ${checksum.join(', ')}, and none is on PATH`);
  fs.symlinkSync(findProgram(sha256) ?? '', path.join(dir, sha256));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly home: string;
  /** The lines the script added to GITHUB_PATH. */
  readonly githubPath: string[];
  readonly runnerTemp: string;
  /** The PATH a later step of the job gets: GITHUB_PATH's lines first, newest first. */
  readonly laterPath: string;
}

/** Runs the action's script as the runner would, with `inputs` (ECR_LOGIN_*) and a runner's environment. */
function runAction(
  rel: Release,
  inputs: Record<string, string>,
  extraPathDirs: readonly string[] = [],
  libc: 'glibc' | 'musl' = 'glibc',
  checksum: readonly string[] = SHA256,
): ActionRun {
  const home = makeTempDir();
  const runnerTemp = makeTempDir();
  const files = makeTempDir();
  const githubPathFile = path.join(files, 'github_path');
  const pathBefore = [...extraPathDirs, toolsDir(libc, checksum)].join(path.delimiter);
  const run = runProgramSync(SCRIPT, [], {
    cwd: makeTempDir(),
    env: {
      PATH: pathBefore,
      HOME: home,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH,
      RUNNER_TEMP: runnerTemp,
      GITHUB_PATH: githubPathFile,
      GITHUB_OUTPUT: path.join(files, 'github_output'),
      ECR_LOGIN_RELEASE_BASE_URL: pathToFileURL(rel.base).href,
      ECR_LOGIN_ACTION_REF: 'v0.1.0',
      ...inputs,
    },
    timeout: 60_000,
  });
  const githubPath = fs.existsSync(githubPathFile) ? fs.readFileSync(githubPathFile, 'utf8').split('\n').filter(Boolean) : [];
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    home,
    githubPath,
    runnerTemp,
    laterPath: [...githubPath.reverse(), pathBefore].join(path.delimiter),
  };
}

const readLog = (rel: Release): string[] => (fs.existsSync(rel.log) ? fs.readFileSync(rel.log, 'utf8').split('\n').filter(Boolean) : []);
const dockerConfig = (home: string): unknown => JSON.parse(fs.readFileSync(path.join(home, '.docker/config.json'), 'utf8'));
const installed = (run: ActionRun, exe = ''): string =>
  path.join(run.runnerTemp, 'docker-credential-ecr-login/bin', `docker-credential-ecr-login${exe}`);

describeOnUnix('the GitHub Action (scripts/action/install.sh)', 'a POSIX shell and file modes', () => {
  it("installs the asset of the runner's platform from the release of the action's ref, checked, first on PATH, and configures docker", () => {
    const rel = release(['v0.1.0', 'latest'], [`docker-credential-ecr-login-${NATIVE}`, 'docker-credential-ecr-login-darwin-arm64']);
    // A helper the runner image already has, earlier on PATH than anything else.
    const preinstalled = makeTempDir();
    fs.writeFileSync(path.join(preinstalled, 'docker-credential-ecr-login'), `#!/bin/sh\necho preinstalled >> "${rel.log}"\n`, {
      mode: 0o755,
    });
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: `${HOST},\n ${OTHER_HOST}\n` }, [preinstalled]);
    expect(run).toMatchObject({ code: 0 });
    const file = installed(run);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      fs.readFileSync(path.join(rel.dir('v0.1.0'), `docker-credential-ecr-login-${NATIVE}`), 'utf8'),
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o755);
    expect(run.githubPath).toEqual([path.dirname(file)]);
    // Later steps find this helper, not the preinstalled one; so did configure's own check.
    const found = runProgramSync('/bin/sh', ['-c', 'command -v docker-credential-ecr-login'], { env: { PATH: run.laterPath } });
    expect(found.stdout).toBe(`${file}\n`);
    expect(readLog(rel)).not.toContain('preinstalled');
    expect(readLog(rel)).toContainEqual(
      `v0.1.0/docker-credential-ecr-login-${NATIVE} configure --registry ${HOST} --registry ${OTHER_HOST}`,
    );
    // credHelpers only: no password, no auths, in the docker config or anywhere in HOME.
    expect(dockerConfig(run.home)).toEqual({ credHelpers: { [HOST]: 'ecr-login', [OTHER_HOST]: 'ecr-login' } });
    expect(run.stdout).toContain(
      `Downloading docker-credential-ecr-login-${NATIVE} (v0.1.0) from ${pathToFileURL(rel.base).href}/download/v0.1.0\n`,
    );
  });

  it('refuses an asset that does not match SHA256SUMS, with one clear line, and installs nothing', () => {
    const rel = release(['v0.1.0'], [`docker-credential-ecr-login-${NATIVE}`]);
    const asset = path.join(rel.dir('v0.1.0'), `docker-credential-ecr-login-${NATIVE}`);
    const expected = createHash('sha256').update(fs.readFileSync(asset)).digest('hex');
    fs.appendFileSync(asset, 'echo tampered\n');
    const actual = createHash('sha256').update(fs.readFileSync(asset)).digest('hex');
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `::error title=docker-credential-ecr-login::docker-credential-ecr-login-${NATIVE} does not match SHA256SUMS of v0.1.0 (expected ${expected}, got ${actual}): not installed\n`,
    );
    expect(run.githubPath).toEqual([]);
    expect(fs.readdirSync(run.runnerTemp)).toEqual([]);
    expect(readLog(rel)).toEqual([]);
    expect(fs.existsSync(path.join(run.home, '.docker'))).toBe(false);
  });

  it('checks with shasum where there is no sha256sum (macOS), and refuses a mismatch the same way', () => {
    const rel = release(['v0.1.0'], [`docker-credential-ecr-login-${NATIVE}`]);
    expect(runAction(rel, { ECR_LOGIN_REGISTRIES: HOST }, [], 'glibc', ['shasum'])).toMatchObject({ code: 0 });
    fs.appendFileSync(path.join(rel.dir('v0.1.0'), `docker-credential-ecr-login-${NATIVE}`), 'echo tampered\n');
    const refused = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST }, [], 'glibc', ['shasum']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ does not match SHA256SUMS of v0\.1\.0 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\): not installed\n$/);
  });

  it('refuses an asset that SHA256SUMS does not list', () => {
    const rel = release(['v0.1.0'], [`docker-credential-ecr-login-${NATIVE}`]);
    fs.writeFileSync(path.join(rel.dir('v0.1.0'), 'SHA256SUMS'), `${'0'.repeat(64)}  docker-credential-ecr-login-other\n`);
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST });
    expect(run).toMatchObject({
      code: 1,
      stderr: `::error title=docker-credential-ecr-login::SHA256SUMS of v0.1.0 has no line for docker-credential-ecr-login-${NATIVE}\n`,
    });
    expect(run.githubPath).toEqual([]);
  });

  it('writes the profile and role to the settings file, and with containers-auth configures the containers auth file too', () => {
    const rel = release(['v0.1.0'], [`docker-credential-ecr-login-${NATIVE}`]);
    const authFile = path.join(makeTempDir(), 'auth.json');
    const role = 'arn:aws:iam::123456789012:role/ci';
    const run = runAction(rel, {
      ECR_LOGIN_REGISTRIES: HOST,
      ECR_LOGIN_PROFILE: 'ci',
      ECR_LOGIN_ROLE: role,
      ECR_LOGIN_CONTAINERS_AUTH: 'true',
      REGISTRY_AUTH_FILE: authFile,
    });
    expect(run).toMatchObject({ code: 0 });
    const asset = `v0.1.0/docker-credential-ecr-login-${NATIVE}`;
    expect(readLog(rel).filter((line) => line.includes(' configure '))).toEqual([
      `${asset} configure --registry ${HOST} --profile ci --role-arn ${role}`,
      `${asset} configure --containers-auth --registry ${HOST}`,
    ]);
    expect(dockerConfig(run.home)).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
    expect(JSON.parse(fs.readFileSync(authFile, 'utf8'))).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
    const settings = fs.readFileSync(path.join(run.home, '.ecr/config.json'), 'utf8');
    expect(settings).toContain('"ci"');
    expect(settings).toContain(role);
  });

  const PLATFORMS: [os: string, arch: string, libc: 'glibc' | 'musl', inputs: Record<string, string>, tag: string, asset: string][] = [
    ['macOS', 'ARM64', 'glibc', { ECR_LOGIN_ACTION_REF: '' }, 'latest', 'docker-credential-ecr-login-darwin-arm64'],
    ['macOS', 'X64', 'glibc', { ECR_LOGIN_VERSION: '0.1.0' }, 'v0.1.0', 'docker-credential-ecr-login-darwin-x64'],
    ['Windows', 'X64', 'glibc', { ECR_LOGIN_VERSION: 'latest' }, 'latest', 'docker-credential-ecr-login-windows-x64.exe'],
    // Windows on Arm runs the x64 build; a major-version ref (v1) is no release: the latest.
    ['Windows', 'ARM64', 'glibc', { ECR_LOGIN_ACTION_REF: 'v1' }, 'latest', 'docker-credential-ecr-login-windows-x64.exe'],
    ['Linux', 'X64', 'glibc', {}, 'v0.1.0', 'docker-credential-ecr-login-linux-x64'],
    ['Linux', 'ARM64', 'glibc', {}, 'v0.1.0', 'docker-credential-ecr-login-linux-arm64'],
    // A job container on Alpine.
    ['Linux', 'X64', 'musl', {}, 'v0.1.0', 'docker-credential-ecr-login-linux-x64-musl'],
    ['Linux', 'ARM64', 'musl', {}, 'v0.1.0', 'docker-credential-ecr-login-linux-arm64-musl'],
    // The ref from the action's checkout directory when github.action_ref is empty (composite actions).
    [
      'Linux',
      'X64',
      'glibc',
      { ECR_LOGIN_ACTION_REF: '', GITHUB_ACTION_PATH: '/runner/_actions/someone/docker-credential-ecr-login/v0.1.0' },
      'v0.1.0',
      'docker-credential-ecr-login-linux-x64',
    ],
  ];

  it.each(PLATFORMS)('on %s %s (%s) with %j: the %s release, asset %s', (os, arch, libc, inputs, tag, asset) => {
    const rel = release(['v0.1.0', 'latest'], [asset]);
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, RUNNER_OS: os, RUNNER_ARCH: arch, ...inputs }, [], libc);
    expect(run).toMatchObject({ code: 0 });
    expect(readLog(rel)).toContainEqual(`${tag}/${asset} configure --registry ${HOST}`);
    expect(fs.existsSync(installed(run, os === 'Windows' ? '.exe' : ''))).toBe(true);
  });

  it.each([
    [{ ECR_LOGIN_REGISTRIES: ' ,\n' }, 'the input "registries" is empty: name at least one registry host'],
    [{ ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_CONTAINERS_AUTH: 'yes' }, 'containers-auth must be true or false, not "yes"'],
    [{ ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_VERSION: 'main' }, 'version "main" is not a release tag (v1.2.3) or "latest"'],
    [
      { ECR_LOGIN_REGISTRIES: HOST, RUNNER_OS: 'FreeBSD' },
      'unsupported RUNNER_OS "FreeBSD": the release has executables for Linux, macOS and Windows',
    ],
  ])('refuses %j: %s', (inputs, message) => {
    const rel = release(['v0.1.0'], [`docker-credential-ecr-login-${NATIVE}`]);
    const run = runAction(rel, inputs);
    expect(run).toMatchObject({ code: 1, stderr: `::error title=docker-credential-ecr-login::${message}\n` });
    expect(run.githubPath).toEqual([]);
  });

  it('says which download failed', () => {
    const rel = release(['v0.1.0'], []);
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_VERSION: 'v9.9.9' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `::error title=docker-credential-ecr-login::could not download ${pathToFileURL(rel.base).href}/download/v9.9.9/SHA256SUMS\n`,
    );
  });
});
