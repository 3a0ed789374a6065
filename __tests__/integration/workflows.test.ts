import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { version } from '../../package.json';
import { parseCompileTarget } from '../../scripts/compile-targets';
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
  [
    'an input that the action of this repository (uses: ./) does not have',
    `  test:
    runs-on: ubuntu-latest
    steps:
      - uses: ./
        with:
          registries: 123456789012.dkr.ecr.us-east-1.amazonaws.com
          region: us-east-1
`,
    /^broken-6\.yml:9:11: input "region" is not defined in action\.yml; it has: registries, profile, role, containers-auth, version \[local-action\]$/,
  ],
  [
    'a required input of the action of this repository left out',
    `  test:
    runs-on: ubuntu-latest
    steps:
      - id: login
        uses: ./
        with:
          profile: ci
`,
    /^broken-7\.yml:7:9: missing input "registries", required by action\.yml \[local-action\]$/,
  ],
];

describe('scripts/actionlint.mjs', () => {
  it('passes the workflows of this repository, and there are the four of them', () => {
    expect(fs.readdirSync(WORKFLOWS).sort()).toEqual(['action-example.yml', 'ci.yml', 'linux-packages.yml', 'release.yml']);
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
  /** The steps of the executable job, by name, with their text. */
  const steps = new Map(
    release
      .slice(release.indexOf('  executable:'), release.indexOf('  npm-package:'))
      .split(/\n(?= {6}- )/)
      .map((step) => [/^ {6}- (?:name|uses): (.+)$/m.exec(step)?.[1] ?? '', step] as const),
  );
  const step = (name: string): string => {
    const found = steps.get(name);
    if (found === undefined) throw new Error(`no step "${name}" in release.yml's executable job; it has: ${[...steps.keys()].join(' | ')}`);
    return found;
  };

  it("builds the executable on each platform, on its own runner, x64 from Bun's baseline runtime, musl for Alpine", () => {
    const targets = [...release.matchAll(/- target: (\S+)\n\s+os: (\S+)\n\s+bun-target: (\S+)/g)].map(([, target, os, bun]) => [
      target,
      os,
      bun,
    ]);
    expect(targets).toEqual([
      ['linux-x64', 'ubuntu-latest', 'bun-linux-x64-baseline'],
      ['linux-arm64', 'ubuntu-24.04-arm', 'bun-linux-arm64'],
      ['linux-x64-musl', 'ubuntu-latest', 'bun-linux-x64-musl-baseline'],
      ['linux-arm64-musl', 'ubuntu-24.04-arm', 'bun-linux-arm64-musl'],
      ['darwin-arm64', 'macos-15', 'bun-darwin-arm64'],
      ['darwin-x64', 'macos-15-intel', 'bun-darwin-x64-baseline'],
      ['windows-x64', 'windows-latest', 'bun-windows-x64-baseline'],
    ]);
    for (const [, , bun = ''] of targets) expect(parseCompileTarget(bun)).not.toHaveProperty('error');
    expect(step(`Build the executable for \${{ matrix.bun-target }}`)).toContain(
      `npm run package -- --target "\${{ matrix.bun-target }}" --outfile "out/$ASSET"`,
    );
  });

  it('smoke-tests what it built (musl builds in Alpine), unpacked from its archive too, and the npm and Linux packages, with the version of the tag', () => {
    // The executable (in Alpine too) and the npm package; scripts/smoke-archive.sh runs it on the unpacked archives.
    expect(release.match(/node scripts\/smoke\.mjs/g)).toHaveLength(3);
    expect(release.match(/--version "\$\{GITHUB_REF_NAME#v\}"/g)).toHaveLength(2);
    expect(release.match(/sh scripts\/smoke-archive\.sh "out\/\$ARCHIVE"/g)).toHaveLength(2);
    expect(step('Smoke test')).toContain(`if: \${{ !matrix.musl }}`);
    expect(step('Smoke test in Alpine (musl)')).toMatch(
      /if: \$\{\{ matrix\.musl \}\}[\s\S]*docker run .* alpine:3\.\d+ [\s\S]*apk add --no-cache nodejs libstdc\+\+[\s\S]*--version "\$VERSION"/,
    );
    const names = [...steps.keys()];
    // What ships is what was signed, verified and smoke-tested.
    expect(names.indexOf('Sign (macOS; Developer ID when the repository has one, else ad hoc)')).toBeLessThan(names.indexOf('Smoke test'));
    expect(names.indexOf('Verify the signature (macOS)')).toBeLessThan(names.indexOf('Smoke test'));
  });

  it('signs macOS builds with a Developer ID behind the secrets, else ad hoc with a notice, and always verifies them strictly', () => {
    const sign = step('Sign (macOS; Developer ID when the repository has one, else ad hoc)');
    expect(sign).toContain(`P12_BASE64: \${{ secrets.MACOS_SIGN_P12_BASE64 }}`);
    expect(sign).toMatch(
      /if \[ -z "\$P12_BASE64" \]; then\n\s+echo "::notice::[^"]+"\n\s+codesign --force --sign - --options runtime --entitlements scripts\/macos-entitlements\.plist/,
    );
    expect(sign).toMatch(/codesign --force --sign "\$identity" --keychain "\$keychain" --timestamp --options runtime/);
    expect(step('Notarize (macOS, Developer ID only)')).toMatch(
      /echo "::notice::[^"]+"\n\s+exit 0[\s\S]*xcrun notarytool submit [\s\S]*"Accepted"/,
    );
    const verify = step('Verify the signature (macOS)');
    expect(verify).toContain("if: runner.os == 'macOS'\n");
    expect(verify).toContain('codesign --verify --strict --verbose=2 "out/$ASSET"');
    expect(fs.existsSync(path.join(ROOT, 'scripts/macos-entitlements.plist'))).toBe(true);
  });

  it('checks the Windows version information', () => {
    expect(step('Version information (Windows)')).toMatch(/\(Get-Item "out\/\$env:ASSET"\)\.VersionInfo[\s\S]*exit 1/);
  });
});

describe('action.yml, the GitHub Action (run: __tests__/integration/github-action.test.ts)', () => {
  const action = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
  const script = fs.readFileSync(path.join(ROOT, 'scripts/action/install.sh'), 'utf8');

  it('has the inputs of the contract, each passed to the script, which reads it; registries required', () => {
    const block = action.slice(action.indexOf('\ninputs:\n'), action.indexOf('\noutputs:\n'));
    const inputs = [...block.matchAll(/^ {2}([\w-]+):$/gm)].map(([, name]) => name);
    expect(inputs).toEqual(['registries', 'profile', 'role', 'containers-auth', 'version']);
    expect(block).toMatch(/^ {2}registries:\n(?: {4}.*\n)*? {4}required: true$/m);
    for (const name of inputs) {
      const variable = `ECR_LOGIN_${(name ?? '').toUpperCase().replace(/-/g, '_')}`;
      expect(action).toContain(`        ${variable}: \${{ inputs.${name} }}\n`);
      expect(script).toContain(`\${${variable}:-`);
    }
  });

  it('is a composite action that runs scripts/action/install.sh with bash', () => {
    expect(action).toMatch(/\nruns:\n {2}using: composite\n/);
    expect(action).toContain('      shell: bash\n');
    expect(action).toContain('      run: bash "$GITHUB_ACTION_PATH/scripts/action/install.sh"\n');
  });

  it("is shown pinned to a release tag, the project's version, never to a major tag that installs whatever is latest", () => {
    for (const file of ['README.md', 'action.yml', '.github/workflows/action-example.yml']) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const refs = [...text.matchAll(/docker-credential-ecr-login@(\S+?)[`\s]/g)].map(([, ref]) => ref);
      expect({ file, refs: [...new Set(refs)] }).toEqual({ file, refs: [`v${version}`] });
    }
  });

  it('is used by the example workflow after AWS credentials from OIDC', () => {
    const example = fs.readFileSync(path.join(ROOT, '.github/workflows/action-example.yml'), 'utf8');
    expect(example).toMatch(/\npermissions:\n {2}contents: read\n {2}id-token: write\n/);
    const credentials = example.indexOf('uses: aws-actions/configure-aws-credentials@');
    expect(credentials).toBeGreaterThan(0);
    expect(example.indexOf('uses: ./\n')).toBeGreaterThan(credentials);
  });
});
