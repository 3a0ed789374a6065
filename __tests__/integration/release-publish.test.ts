import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { describeOnUnix, findProgram } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { readLines } from '../helpers/read-lines';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The step of release.yml that publishes the release ("Create or update the release"), run as
 * the runner runs it (bash -eo pipefail) against a stand-in `gh` that records its arguments and
 * answers `gh release view` as GitHub would for a release that is missing, a draft or
 * published. A pre-release tag must not become "latest" (what the GitHub Action installs by
 * default), and a published release's assets must never be replaced.
 */

const ROOT = path.resolve(__dirname, '../..');
const STEP = 'Create or update the release';
const REPOSITORY = 'someone/docker-credential-ecr-login';

/** The `run` text of the step, read from the workflow as GitHub reads it. */
function publishScript(): string {
  const workflow = YAML.parse(fs.readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8')) as {
    jobs: Record<string, { steps?: { name?: string; run?: string }[] }>;
  };
  const step = workflow.jobs.release?.steps?.find((candidate) => candidate.name === STEP);
  if (step?.run === undefined) throw new Error(`release.yml's release job has no step "${STEP}" with a run`);
  return step.run;
}

type Existing = 'missing' | 'draft' | 'published';

/** Runs the step for `tag`, with a release that is `existing`; what it did and every `gh` it ran. */
function publish(tag: string, existing: Existing): { code: number | null; stdout: string; stderr: string; gh: string[] } {
  const work = makeTempDir();
  const bin = makeTempDir();
  const log = path.join(makeTempDir(), 'gh.log');
  fs.mkdirSync(path.join(work, 'assets'));
  for (const asset of ['SHA256SUMS', 'docker-credential-ecr-login-linux-x64']) fs.writeFileSync(path.join(work, 'assets', asset), asset);
  // `gh release view --json isDraft --jq .isDraft` prints true or false, or fails when there is no such release.
  const view = { missing: 'echo "release not found" >&2; exit 1', draft: 'echo true', published: 'echo false' }[existing];
  fs.writeFileSync(
    path.join(bin, 'gh'),
    `#!/bin/sh\nprintf '%s\\n' "gh $*" >> "${log}"\nif [ "$1 $2" = "release view" ]; then ${view}; fi\nexit 0\n`,
    { mode: 0o755 },
  );
  const run = runProgramSync(findProgram('bash') ?? 'bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', publishScript()], {
    cwd: work,
    env: { PATH: bin, GH_TOKEN: 'not-a-token', TAG: tag, GITHUB_REPOSITORY: REPOSITORY },
    timeout: 20_000,
  });
  const gh = readLines(log);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, gh };
}

const ASSETS = 'assets/SHA256SUMS assets/docker-credential-ecr-login-linux-x64';
const VIEW = (tag: string): string => `gh release view ${tag} --repo ${REPOSITORY} --json isDraft --jq .isDraft`;
const CREATE = (tag: string): string =>
  `gh release create ${tag} ${ASSETS} --repo ${REPOSITORY} --title ${tag} --verify-tag --generate-notes`;

describeOnUnix("release.yml's publishing step", 'bash and a stand-in gh on PATH', () => {
  it.each([
    ['v1.2.3', 'a release', CREATE('v1.2.3')],
    ['v1.2.3-rc.1', 'a pre-release, never "latest"', `${CREATE('v1.2.3-rc.1')} --prerelease --latest=false`],
    ['v2.0.0-beta', 'a pre-release, never "latest"', `${CREATE('v2.0.0-beta')} --prerelease --latest=false`],
  ])('creates %s as %s when there is none', (tag, _what, create) => {
    expect(publish(tag, 'missing')).toMatchObject({ code: 0, gh: [VIEW(tag), create] });
  });

  it('uploads over a draft (a re-run before it was published)', () => {
    expect(publish('v1.2.3', 'draft')).toMatchObject({
      code: 0,
      gh: [VIEW('v1.2.3'), `gh release upload v1.2.3 ${ASSETS} --repo ${REPOSITORY} --clobber`],
    });
  });

  it.each(['v1.2.3', 'v1.2.3-rc.1'])('refuses to replace the assets of %s once published, and says so', (tag) => {
    expect(publish(tag, 'published')).toEqual({
      code: 1,
      stdout: `::error::release ${tag} is already published: its assets are not replaced (delete it, or tag a new version)\n`,
      stderr: '',
      gh: [VIEW(tag)],
    });
  });
});
