import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeOnUnix, eachWithPrograms } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The release archives (scripts/release-archive.mjs, issue 21.5): per platform a .tar.gz
 * (.zip for Windows) holding the executable under its own name, LICENSE and README.md, side
 * by side, built here from a small stand-in executable and unpacked again.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/release-archive.mjs');
const SMOKE = path.join(ROOT, 'scripts/smoke-archive.sh');
const STAND_IN = '#!/bin/sh\necho stand-in\n';
/** The tools, and the Debian package that has each. */
const TOOLS = { tar: 'tar', zip: 'zip', unzip: 'unzip' };

function run(file: string, args: readonly string[], cwd?: string): string {
  const result = runProgramSync(file, args, { cwd, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

function archive(target: string): string {
  const dir = makeTempDir();
  const executable = path.join(dir, `docker-credential-ecr-login-${target}`);
  fs.writeFileSync(executable, STAND_IN, { mode: 0o600 });
  return run(process.execPath, [SCRIPT, '--executable', executable, '--target', target, '--outdir', path.join(dir, 'out')]).trimEnd();
}

/** The unpacked files: name -> mode and whether the bytes are what was put in. */
function unpacked(dir: string, program: string): Record<string, { mode: string; same: boolean }> {
  const expected: Record<string, Buffer> = {
    [program]: Buffer.from(STAND_IN),
    LICENSE: fs.readFileSync(path.join(ROOT, 'LICENSE')),
    'README.md': fs.readFileSync(path.join(ROOT, 'README.md')),
  };
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => {
        const file = path.join(dir, name);
        const same = expected[name] !== undefined && fs.readFileSync(file).equals(expected[name]);
        return [name, { mode: (fs.statSync(file).mode & 0o777).toString(8), same }];
      }),
  );
}

describe('scripts/release-archive.mjs', () => {
  eachWithPrograms(TOOLS, ['linux-x64', 'linux-arm64-musl', 'darwin-arm64'])(
    '%s: a .tar.gz of the executable, LICENSE and README.md',
    (target) => {
      const file = archive(target);
      expect(path.basename(file)).toBe(`docker-credential-ecr-login-${target}.tar.gz`);
      const listing = run('tar', ['-tvzf', file]).trimEnd().split('\n');
      expect(listing.map((line) => `${line.split(/\s+/).slice(0, 2).join(' ')} ${line.split(/\s+/).at(-1)}`)).toEqual([
        '-rwxr-xr-x 0/0 docker-credential-ecr-login',
        '-rw-r--r-- 0/0 LICENSE',
        '-rw-r--r-- 0/0 README.md',
      ]);
      const dir = makeTempDir();
      run('tar', ['-xzf', file, '-C', dir]);
      expect(unpacked(dir, 'docker-credential-ecr-login')).toEqual({
        'docker-credential-ecr-login': { mode: '755', same: true },
        LICENSE: { mode: '644', same: true },
        'README.md': { mode: '644', same: true },
      });
    },
  );

  eachWithPrograms(TOOLS, ['windows-x64'])('%s: a .zip of the executable (.exe), LICENSE and README.md', (target) => {
    const file = archive(target);
    expect(path.basename(file)).toBe(`docker-credential-ecr-login-${target}.zip`);
    expect(run('unzip', ['-Z1', file]).trimEnd().split('\n')).toEqual(['docker-credential-ecr-login.exe', 'LICENSE', 'README.md']);
    const dir = makeTempDir();
    run('unzip', ['-q', file, '-d', dir]);
    expect(Object.entries(unpacked(dir, 'docker-credential-ecr-login.exe')).map(([name, { same }]) => [name, same])).toEqual([
      ['LICENSE', true],
      ['README.md', true],
      ['docker-credential-ecr-login.exe', true],
    ]);
  });

  it.each([
    [['--target', 'linux-x64'], 'release-archive: --executable must name the executable to archive (given: nothing)\n'],
    [
      ['--target', 'solaris-sparc', '--executable', SCRIPT],
      'release-archive: --target must be a release target such as linux-x64, darwin-arm64 or windows-x64 (given: solaris-sparc)\n',
    ],
  ])('refuses %j', (args, stderr) => {
    const result = runProgramSync(process.execPath, [SCRIPT, ...args, '--outdir', makeTempDir()]);
    expect({ code: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 1, stderr, stdout: '' });
  });
});

/*
 * scripts/smoke-archive.sh, the release workflow's check of an unpacked archive, refusing what
 * it must refuse (executable.test.ts runs it on the real executable's archive, which passes).
 */
describeOnUnix('scripts/smoke-archive.sh', 'a POSIX shell', () => {
  /** Runs it on `archive` with the tools it needs and this Node. */
  function smoke(archive: string): { code: number | null; stdout: string; stderr: string } {
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, TMPDIR: makeTempDir() };
    const run = runProgramSync('/bin/sh', [SMOKE, archive, '0.1.0', ROOT], { env, timeout: 60_000 });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  /** A .tar.gz of `files` (name -> content), executables 0755. */
  function tarOf(files: Record<string, string>): string {
    const dir = makeTempDir();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 });
    const file = path.join(makeTempDir(), 'docker-credential-ecr-login-linux-x64.tar.gz');
    run('tar', ['-czf', file, '-C', dir, ...Object.keys(files)]);
    return file;
  }

  const LICENSE = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  /** The Node entry, which names the README of this checkout, not the one unpacked beside it. */
  const NODE_ENTRY = `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin/docker-credential-ecr-login')}" "$@"\n`;

  it('refuses an executable whose --help names another README', () => {
    const archive = tarOf({ 'docker-credential-ecr-login': NODE_ENTRY, LICENSE, 'README.md': README });
    const result = smoke(archive);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `::error::${archive}: --help ends with "More: ${path.join(ROOT, 'README.md')}", not the README beside the executable (`,
    );
    expect(result.stderr).toMatch(/\/unpacked\.\w+\/README\.md\)\n$/);
  });

  it('refuses an archive that holds more than the three files', () => {
    const archive = tarOf({ 'docker-credential-ecr-login': NODE_ENTRY, LICENSE, 'README.md': README, 'extra.txt': '' });
    expect(smoke(archive)).toMatchObject({
      code: 1,
      stderr: `::error::${archive}: holds "LICENSE README.md docker-credential-ecr-login extra.txt ", not "LICENSE README.md docker-credential-ecr-login "\n`,
    });
  });
});

describe('the release workflow', () => {
  const release = fs.readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8');
  const job = release.slice(release.indexOf('\n  executable:\n'), release.indexOf('\n  npm-package:\n'));
  const at = (text: string): number => {
    const index = job.indexOf(text);
    if (index < 0) throw new Error(`release.yml's executable job has no "${text}"`);
    return index;
  };

  it('archives each executable once it is signed and verified, and uploads the archive beside it', () => {
    expect(job).toContain(
      `run: node scripts/release-archive.mjs --executable "out/$ASSET" --target "\${{ matrix.target }}" --outdir out\n`,
    );
    expect(at('- name: Verify the signature (macOS)')).toBeLessThan(at('- name: Archive\n'));
    expect(job).toMatch(/path: \|\n {12}out\/\$\{\{ env\.ASSET \}\}\n {12}out\/\$\{\{ env\.ARCHIVE \}\}\n/);
  });

  it('smoke-tests the unpacked archive on each runner (in Alpine for musl) with scripts/smoke-archive.sh', () => {
    expect(at('- name: Archive\n')).toBeLessThan(at('- name: Smoke test\n'));
    const unpacked = job.slice(at('- name: Smoke test the unpacked archive'), at('- uses: actions/upload-artifact@v7'));
    expect(unpacked).toContain(`if: \${{ !matrix.musl }}`);
    expect(unpacked).toContain(`run: sh scripts/smoke-archive.sh "out/$ARCHIVE" "\${GITHUB_REF_NAME#v}"\n`);
    const alpine = job.slice(at('- name: Smoke test in Alpine (musl)'), at('- name: Smoke test the unpacked archive'));
    expect(alpine).toContain('-e ARCHIVE -e GITHUB_WORKSPACE');
    expect(alpine).toContain('sh scripts/smoke-archive.sh "out/$ARCHIVE" "$VERSION" "$GITHUB_WORKSPACE"');
    expect(job).toContain(`ARCHIVE: docker-credential-ecr-login-\${{ matrix.target }}\${{ matrix.exe && '.zip' || '.tar.gz' }}\n`);
  });
});
