import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerConfig, HOST, installed, NATIVE, OTHER_HOST, readLog, release, runAction } from '../helpers/github-action';
import { describeOnUnix } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The GitHub Action (action.yml) and its script, scripts/action/install.sh, run as the runner
 * runs it against a stand-in release (helpers/github-action.ts): what it installs, where, how
 * it checks it, and what it configures. Which release it picks: github-action-version.test.ts.
 */

describeOnUnix('the GitHub Action (scripts/action/install.sh)', 'a POSIX shell and file modes', () => {
  it("installs the asset of the runner's platform from the release of the action's ref, checked, first on PATH, and configures docker", () => {
    const rel = release(
      ['v0.1.0', 'v0.2.0'],
      [`docker-credential-ecr-login-${NATIVE}`, 'docker-credential-ecr-login-darwin-arm64'],
      'v0.2.0',
    );
    // A helper the runner image already has, earlier on PATH than anything else.
    const preinstalled = makeTempDir();
    fs.writeFileSync(path.join(preinstalled, 'docker-credential-ecr-login'), `#!/bin/sh\necho preinstalled >> "${rel.log}"\n`, {
      mode: 0o755,
    });
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: `${HOST},\n ${OTHER_HOST}\n` }, [preinstalled]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
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
    expect(run.stdout).toContain(`Downloading docker-credential-ecr-login-${NATIVE} (v0.1.0) from ${rel.baseUrl}/download/v0.1.0\n`);
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
    ['macOS', 'ARM64', 'glibc', { ECR_LOGIN_ACTION_REF: '' }, 'v0.2.0', 'docker-credential-ecr-login-darwin-arm64'],
    ['macOS', 'X64', 'glibc', { ECR_LOGIN_VERSION: '0.1.0' }, 'v0.1.0', 'docker-credential-ecr-login-darwin-x64'],
    ['Windows', 'X64', 'glibc', { ECR_LOGIN_VERSION: 'latest' }, 'v0.2.0', 'docker-credential-ecr-login-windows-x64.exe'],
    // Windows on Arm runs the x64 build; a major-version ref (v0) is no release: the latest v0.
    ['Windows', 'ARM64', 'glibc', { ECR_LOGIN_ACTION_REF: 'v0' }, 'v0.2.0', 'docker-credential-ecr-login-windows-x64.exe'],
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
    const rel = release(['v0.1.0', 'v0.2.0'], [asset], 'v0.2.0');
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
      `::error title=docker-credential-ecr-login::could not download ${rel.baseUrl}/download/v9.9.9/SHA256SUMS\n`,
    );
  });
});
