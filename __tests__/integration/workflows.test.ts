import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The GitHub Actions workflows and their linter, scripts/actionlint.mjs (part of
 * `npm run lint`): the workflows in .github/workflows pass, and a broken workflow fails it,
 * with the line that says where and why.
 */

const ROOT = path.resolve(__dirname, '../..');
const WORKFLOWS = path.join(ROOT, '.github/workflows');

function actionlint(...targets: string[]): { code: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, [path.join(ROOT, 'scripts/actionlint.mjs'), ...targets], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const MINIMAL_JOB = `  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
      - run: echo "\${{ github.sha }}"
`;

/** Workflow files, one per case, in one fresh directory (linted in one run: the linter takes a second to load). */
function workflows(jobsByName: Record<string, string>): string {
  const dir = makeTempDir();
  for (const [name, jobs] of Object.entries(jobsByName)) fs.writeFileSync(path.join(dir, `${name}.yml`), `on: push\njobs:\n${jobs}`);
  return dir;
}

/** The finding lines of one file of a run, with the file's path shortened to its name. */
function findingsOf(stdout: string, name: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes(`${name}.yml:`))
    .map((line) => line.slice(line.indexOf(`${name}.yml:`)));
}

const BROKEN: [what: string, jobs: string, finding: RegExp][] = [
  [
    'an unknown key',
    `  test:
    runs-on: ubuntu-latest
    timeout: 10
    steps:
      - run: echo hi
`,
    /^broken-0\.yml:5:5: unexpected key "timeout" for "job" section\. .* \[syntax-check\]$/,
  ],
  [
    'an expression with a property that does not exist',
    `  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.no_such_property }}"
`,
    /^broken-1\.yml:6:24: property "no_such_property" is not defined in object type .* \[expression\]$/,
  ],
  [
    'a context where it is not available',
    `  test:
    runs-on: ubuntu-latest
    env:
      SUFFIX: \${{ runner.os }}
    steps:
      - run: echo "$SUFFIX"
`,
    /^broken-2\.yml:6:19: context "runner" is not allowed here\. .* \[expression\]$/,
  ],
  [
    'a job that needs a job that does not exist',
    `  test:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - run: echo hi
`,
    /^broken-3\.yml:3:3: job "test" needs job "build" which does not exist in this workflow \[job-needs\]$/,
  ],
  [
    'a runner label GitHub does not have',
    `  test:
    runs-on: ubuntu-99.04
    steps:
      - run: echo hi
`,
    /^broken-4\.yml:4:14: label "ubuntu-99\.04" is unknown\. .* \[runner-label\]$/,
  ],
  [
    'an action that was not checked to exist',
    `  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
`,
    /^broken-5\.yml:6:15: "actions\/checkout@v3" is not one of the actions checked to exist \(actions\/checkout@v7, .*\); check it and add it to ACTIONS in scripts\/actionlint\.mjs \[uses\]$/,
  ],
];

describe('scripts/actionlint.mjs', () => {
  it('passes the workflows of this repository, and there are the two of them', () => {
    expect(fs.readdirSync(WORKFLOWS).sort()).toEqual(['ci.yml', 'release.yml']);
    expect(actionlint()).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('passes a minimal valid workflow, and the runner labels GitHub added after the linter was built', () => {
    const newer = `  test:
    strategy:
      matrix:
        os: [ubuntu-24.04-arm, macos-15, macos-15-intel, windows-2025]
    runs-on: \${{ matrix.os }}
    steps:
      - run: echo hi
`;
    expect(actionlint(workflows({ minimal: MINIMAL_JOB, newer }))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  describe('fails on a broken workflow, naming the line', () => {
    let run: ReturnType<typeof actionlint>;
    beforeAll(() => {
      run = actionlint(workflows({ ...Object.fromEntries(BROKEN.map(([, jobs], i) => [`broken-${i}`, jobs])), valid: MINIMAL_JOB }));
    });

    it('exits 1 and counts the findings', () => {
      expect(run.code).toBe(1);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`actionlint: ${BROKEN.length} findings in ${BROKEN.length + 1} workflow files`);
      expect(findingsOf(run.stdout, 'valid')).toEqual([]);
    });

    it.each(BROKEN.map(([what, , finding], i) => [what, i, finding] as const))('%s', (_what, i, finding) => {
      const [only, ...more] = findingsOf(run.stdout, `broken-${i}`);
      expect(more).toEqual([]);
      expect(only).toMatch(finding);
    });
  });

  it('says so when there is nothing to lint', () => {
    const dir = makeTempDir();
    expect(actionlint(dir)).toEqual({ code: 2, stdout: '', stderr: `actionlint: no workflow files in ${dir}\n` });
  });
});

describe('the release workflow', () => {
  const release = fs.readFileSync(path.join(WORKFLOWS, 'release.yml'), 'utf8');

  it('builds the executable on the five platforms, each natively', () => {
    const targets = [...release.matchAll(/- target: (\S+)\n\s+os: (\S+)/g)].map(([, target, os]) => [target, os]);
    expect(targets).toEqual([
      ['linux-x64', 'ubuntu-latest'],
      ['linux-arm64', 'ubuntu-24.04-arm'],
      ['darwin-arm64', 'macos-15'],
      ['darwin-x64', 'macos-15-intel'],
      ['windows-x64', 'windows-latest'],
    ]);
  });

  it('smoke-tests what it built and the npm package, with the version of the tag', () => {
    expect(release.match(/node scripts\/smoke\.mjs/g)).toHaveLength(2);
    expect(release.match(/--version "\$\{GITHUB_REF_NAME#v\}"/g)).toHaveLength(2);
  });
});
