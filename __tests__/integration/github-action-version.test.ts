import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOST, installed, NATIVE, readLog, release, runAction } from '../helpers/github-action';
import { describeOnUnix } from '../helpers/platform';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Which release the GitHub Action's script installs (scripts/action/install.sh): the input
 * `version`, else the action's ref when it is a release tag (@v1.2.3), else the latest release
 * — with a warning that the executable is not pinned, and for a major tag (@v1) only a latest
 * release of that major version. "latest" is asked once and both downloads come from that
 * tag. Workflow commands carry input escaped, so it cannot start a command of its own.
 */

const ASSET = `docker-credential-ecr-login-${NATIVE}`;
const ERROR = '::error title=docker-credential-ecr-login::';
const WARNING = '::warning title=docker-credential-ecr-login::';
const unpinned = (ref: string, tag: string): string =>
  `${WARNING}the executable is not pinned: this action's ref "${ref}" is not a release tag, so the latest release (${tag}) is installed, ` +
  `and a later run may install another; pin it with the input version (version: ${tag}) or use the action at a release tag (@${tag})\n`;
/** Releases v0.1.0 and v0.2.0 (the latest) and v1.0.0-rc.1 (a pre-release, so never the latest). */
const releases = () => release(['v0.1.0', 'v0.2.0', 'v1.0.0-rc.1'], [ASSET], 'v0.2.0');

describeOnUnix('the GitHub Action: which release it installs', 'a POSIX shell and file modes', () => {
  it.each([
    ['a release tag as its ref', { ECR_LOGIN_ACTION_REF: 'v0.1.0' }, 'v0.1.0'],
    ['a pre-release tag as its ref', { ECR_LOGIN_ACTION_REF: 'v1.0.0-rc.1' }, 'v1.0.0-rc.1'],
    ['the input version, whatever the ref', { ECR_LOGIN_ACTION_REF: 'main', ECR_LOGIN_VERSION: '0.1.0' }, 'v0.1.0'],
    ['the input version latest, asked for', { ECR_LOGIN_ACTION_REF: 'main', ECR_LOGIN_VERSION: 'latest' }, 'v0.2.0'],
  ])('pinned by %s (%j): installs %s, with no warning', (_what, inputs, tag) => {
    const rel = releases();
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ...inputs });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readLog(rel)).toContainEqual(`${tag}/${ASSET} configure --registry ${HOST}`);
  });

  it.each([
    ['a major tag of the latest release', 'v0'],
    ['a commit', '0123456789abcdef0123456789abcdef01234567'],
    ['a branch', 'main'],
    ['nothing (not known)', ''],
  ])('with %s as its ref: installs the latest release, and warns that it is not pinned', (_what, ref) => {
    const rel = releases();
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_ACTION_REF: ref });
    expect(run).toMatchObject({ code: 0, stderr: unpinned(ref, 'v0.2.0') });
    expect(readLog(rel)).toContainEqual(`v0.2.0/${ASSET} configure --registry ${HOST}`);
  });

  it('with a major tag as its ref, refuses a latest release of another major version', () => {
    const rel = releases();
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_ACTION_REF: 'v1' });
    expect(run).toMatchObject({
      code: 1,
      stderr:
        `${ERROR}this action's ref v1 asks for a v1 release, but the latest release is v0.2.0: not installed; ` +
        "pin a release with the input version (version: v1.x.y) or the action's ref (@v1.x.y)\n",
    });
    expect(run.githubPath).toEqual([]);
    expect(readLog(rel)).toEqual([]);
  });

  it('takes the executable and SHA256SUMS of the latest release from the one tag it resolved', () => {
    const rel = releases();
    // What GitHub's latest/download would serve mid-publish: another release's checksums.
    fs.mkdirSync(path.join(rel.base, 'latest/download'), { recursive: true });
    fs.writeFileSync(path.join(rel.base, 'latest/download/SHA256SUMS'), `${'0'.repeat(64)}  ${ASSET}\n`);
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_VERSION: 'latest' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Downloading ${ASSET} (v0.2.0, the latest release) from ${rel.baseUrl}/download/v0.2.0\n`);
    expect(fs.readFileSync(installed(run), 'utf8')).toBe(fs.readFileSync(path.join(rel.dir('v0.2.0'), ASSET), 'utf8'));
  });

  it.each([
    ['the list of releases (there is none)', (base: string) => base],
    ['a tag that is no release tag', (base: string) => `${base}/tag/nightly`],
    ['another repository', (base: string) => `${base}-fork/tag/v0.2.0`],
  ])('refuses when latest leads to %s', (_what, ledTo) => {
    const rel = releases();
    const run = runAction(rel, {
      ECR_LOGIN_REGISTRIES: HOST,
      ECR_LOGIN_VERSION: 'latest',
      ECR_LOGIN_RELEASE_LATEST_URL: ledTo(rel.baseUrl),
    });
    expect(run).toMatchObject({
      code: 1,
      stderr: `${ERROR}could not tell the latest release: ${rel.baseUrl}/latest led to ${ledTo(rel.baseUrl)}, not to ${rel.baseUrl}/tag/<release tag>\n`,
    });
    expect(run.githubPath).toEqual([]);
  });

  it('says so when it cannot ask which release is the latest', () => {
    const rel = release(['v0.1.0'], [ASSET]);
    const run = runAction(rel, { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_VERSION: 'latest' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`\\n${ERROR}could not ask ${rel.baseUrl}/latest which release is the latest\\n$`));
  });

  it.each([
    ['a release', { ECR_LOGIN_VERSION: 'v0.1.0' }, ['--output']],
    ['the latest release', { ECR_LOGIN_VERSION: 'latest' }, ['--head']],
  ])('over https, lets curl follow redirects to https only, asking for %s', (_what, inputs, marks) => {
    // A curl that records how it was run and fails, as if offline.
    const bin = makeTempDir();
    const log = path.join(makeTempDir(), 'curl.log');
    fs.writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\nexit 6\n`, { mode: 0o755 });
    const rel = release([], []);
    const run = runAction(
      rel,
      { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_RELEASE_BASE_URL: 'https://github.example/o/r/releases', ...inputs },
      [bin],
    );
    expect(run.code).toBe(1);
    const [first = '', ...more] = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(more).toEqual([]);
    expect(first.startsWith('--proto =https --proto-redir =https --fail ')).toBe(true);
    for (const mark of marks) expect(first).toContain(` ${mark} `);
  });

  it('reads a ref it was not given from the directory of its checkout, also when it knows its repository', () => {
    const rel = releases();
    const run = runAction(rel, {
      ECR_LOGIN_REGISTRIES: HOST,
      ECR_LOGIN_ACTION_REPOSITORY: 'someone/docker-credential-ecr-login',
      ECR_LOGIN_ACTION_REF: '',
      GITHUB_ACTION_PATH: '/runner/_actions/someone/docker-credential-ecr-login/v0.1.0',
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readLog(rel)).toContainEqual(`v0.1.0/${ASSET} configure --registry ${HOST}`);
  });

  it.each([
    ['a line break', 'yes\n::warning::injected', 'yes%0A::warning::injected'],
    ['a carriage return', 'yes\r::warning::injected', 'yes%0D::warning::injected'],
    ['a percent sign', '100%0A', '100%250A'],
  ])('escapes %s in input quoted in an ::error:: line', (_what, given, escaped) => {
    const run = runAction(releases(), { ECR_LOGIN_REGISTRIES: HOST, ECR_LOGIN_CONTAINERS_AUTH: given });
    expect(run).toMatchObject({ code: 1, stderr: `${ERROR}containers-auth must be true or false, not "${escaped}"\n` });
  });
});
