import * as fs from 'node:fs';
import * as path from 'node:path';
import { version } from '../../package.json';
import { eachWithPrograms } from '../helpers/platform';
import { runProgramSync } from '../helpers/program-runs';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * The release's Linux packages (scripts/node-packages.mjs, issue 22.4), built from a small
 * stand-in executable (the real one is 100 MB; what the packages do with it does not depend on
 * what it is): each installs /usr/bin/docker-credential-ecr-login (0755 root:root), the link
 * /usr/bin/ecr-credential-provider to it and the licence text (0644), nothing else, and runs
 * no maintainer script. Read
 * back with the formats' own tools and extracted into a temporary root.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/node-packages.mjs');
const STAND_IN = '#!/bin/sh\necho "stand-in for the helper, started as $0"\n';
const LICENSE = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
const DOC_DIR = 'usr/share/doc/docker-credential-ecr-login';
const LICENSE_DIR = 'usr/share/licenses/docker-credential-ecr-login';
const SUMMARY = 'Docker credential helper and kubelet image credential provider for Amazon ECR';
/** The tools, and the Debian package that has each (.ci/run installs rpm). */
const TOOLS = { 'dpkg-deb': 'dpkg', rpmbuild: 'rpm', rpm: 'rpm', rpm2archive: 'rpm2cpio', tar: 'tar' };

const ARCHES: [arch: string, debArch: string, rpmArch: string][] = [
  ['x64', 'amd64', 'x86_64'],
  ['arm64', 'arm64', 'aarch64'],
];

function run(file: string, args: readonly string[], cwd?: string): string {
  const result = runProgramSync(file, args, { cwd, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Builds both packages for `arch` in a fresh directory; their paths, as the script prints them. */
function build(arch: string, ...more: string[]): { deb: string; rpm: string; executable: string } {
  const dir = makeTempDir();
  const executable = path.join(dir, 'stand-in');
  fs.writeFileSync(executable, STAND_IN, { mode: 0o700 });
  const out = path.join(dir, 'out');
  const printed = run(process.execPath, [SCRIPT, '--executable', executable, '--arch', arch, '--outdir', out, ...more])
    .trimEnd()
    .split('\n');
  const [deb = '', rpm = ''] = printed;
  return { deb, rpm, executable };
}

/** What a file of an extracted root is: its mode and owner, and what it holds or links to. */
function describeEntry(file: string): { mode: string; uid: number; gid: number; link?: string; text?: string } {
  const stat = fs.lstatSync(file);
  const entry = { mode: (stat.mode & 0o7777).toString(8), uid: stat.uid, gid: stat.gid };
  if (stat.isSymbolicLink()) return { ...entry, link: fs.readlinkSync(file) };
  return stat.isFile() ? { ...entry, text: fs.readFileSync(file, 'utf8') } : entry;
}

/** Every file below `root`, relative, sorted. */
function listTree(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).sort();
}

/**
 * What a package unpacked into `root` must hold: the executable (0755, the stand-in's bytes),
 * the provider link to it, and the licence text at `licence` (0644), with no other file or
 * directory than those and the directories above them.
 */
function expectUnpacked(root: string, licence: string): void {
  const parts = licence.split('/');
  const dirs = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
  expect(listTree(root)).toEqual([
    'usr',
    'usr/bin',
    'usr/bin/docker-credential-ecr-login',
    'usr/bin/ecr-credential-provider',
    ...dirs.filter((dir) => dir !== 'usr'),
    licence,
  ]);
  expect(describeEntry(path.join(root, 'usr/bin/docker-credential-ecr-login'))).toMatchObject({ mode: '755', text: STAND_IN });
  expect(describeEntry(path.join(root, 'usr/bin/ecr-credential-provider'))).toMatchObject({ link: 'docker-credential-ecr-login' });
  expect(describeEntry(path.join(root, licence))).toMatchObject({ mode: '644', text: LICENSE });
}

describe('scripts/node-packages.mjs', () => {
  eachWithPrograms(TOOLS, ARCHES)(
    '.deb for %s (%s): the executable, the link and the copyright, root-owned, control fields, no scripts',
    (arch, debArch) => {
      const { deb } = build(arch);
      expect(path.basename(deb)).toBe(`docker-credential-ecr-login_${version}_${debArch}.deb`);
      const fields = (name: string): string => run('dpkg-deb', ['--field', deb, name]).trimEnd();
      expect(fields('Package')).toBe('docker-credential-ecr-login');
      expect(fields('Version')).toBe(version);
      expect(fields('Architecture')).toBe(debArch);
      expect(fields('Maintainer')).toBe('The docker-credential-ecr-login (TypeScript) authors');
      expect(fields('Description').split('\n')[0]).toBe(SUMMARY);
      expect(fields('Conflicts')).toBe('amazon-ecr-credential-helper');
      // The control archive: the control file alone (no preinst, postinst, prerm, postrm).
      const control = makeTempDir();
      run('dpkg-deb', ['--control', deb, control]);
      expect(listTree(control)).toEqual(['control']);
      // The data archive as tar lists it (owners by name), then as it lands in a root.
      expect(run('dpkg-deb', ['--contents', deb]).replace(/ +\d{4}-\d\d-\d\d \d\d:\d\d /g, ' ')).toBe(
        [
          'drwxr-xr-x root/root         0 ./',
          'drwxr-xr-x root/root         0 ./usr/',
          'drwxr-xr-x root/root         0 ./usr/bin/',
          `-rwxr-xr-x root/root        ${STAND_IN.length} ./usr/bin/docker-credential-ecr-login`,
          'drwxr-xr-x root/root         0 ./usr/share/',
          'drwxr-xr-x root/root         0 ./usr/share/doc/',
          `drwxr-xr-x root/root         0 ./${DOC_DIR}/`,
          `-rw-r--r-- root/root     ${Buffer.byteLength(LICENSE)} ./${DOC_DIR}/copyright`,
          'lrwxrwxrwx root/root         0 ./usr/bin/ecr-credential-provider -> docker-credential-ecr-login',
          '',
        ].join('\n'),
      );
      const root = makeTempDir();
      run('dpkg-deb', ['--extract', deb, root]);
      expectUnpacked(root, `${DOC_DIR}/copyright`);
    },
  );

  eachWithPrograms(TOOLS, ARCHES)(
    '.rpm for %s (%s, %s): the executable, the link and the %%license, root-owned, header, no scripts',
    (arch, _debArch, rpmArch) => {
      const { rpm } = build(arch);
      expect(path.basename(rpm)).toBe(`docker-credential-ecr-login-${version}-1.${rpmArch}.rpm`);
      const query = (format: string): string => run('rpm', ['-qp', '--queryformat', format, rpm]);
      expect(query('%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{SUMMARY}|%{PACKAGER}')).toBe(
        `docker-credential-ecr-login|${version}|1|${rpmArch}|Apache-2.0|${SUMMARY}|The docker-credential-ecr-login (TypeScript) authors`,
      );
      expect(query('%{DESCRIPTION}')).toMatch(/^Docker credential helper .*\nInstalls ecr-credential-provider, /);
      expect(run('rpm', ['-qp', '--scripts', rpm])).toBe('');
      expect(run('rpm', ['-qp', '--conflicts', rpm])).toBe('amazon-ecr-credential-helper\n');
      // Nothing required beyond rpm's own features: no generated dependency on a library.
      expect(
        run('rpm', ['-qpR', rpm])
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith('rpmlib(')),
      ).toEqual([]);
      expect(query('[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES} %{FILELINKTOS}\n]')).toBe(
        [
          '-rwxr-xr-x root:root /usr/bin/docker-credential-ecr-login ',
          'lrwxrwxrwx root:root /usr/bin/ecr-credential-provider docker-credential-ecr-login',
          `drwxr-xr-x root:root /${LICENSE_DIR} `,
          `-rw-r--r-- root:root /${LICENSE_DIR}/LICENSE `,
          '',
        ].join('\n'),
      );
      // Marked as the licence: kept by an install with --nodocs.
      expect(run('rpm', ['-qpL', rpm])).toBe(`/${LICENSE_DIR}/LICENSE\n`);
      const root = makeTempDir();
      // rpm2archive writes the payload beside the package, as <package>.tgz.
      const copy = path.join(makeTempDir(), 'package.rpm');
      fs.copyFileSync(rpm, copy);
      run('rpm2archive', [copy]);
      run('tar', ['-xzf', `${copy}.tgz`, '-C', root]);
      expectUnpacked(root, `${LICENSE_DIR}/LICENSE`);
    },
  );

  eachWithPrograms(TOOLS, [['1.2.3-rc.1', '1.2.3~rc.1']])('version %s becomes %s in both (sorts before the release)', (given, packaged) => {
    const { deb, rpm } = build('x64', '--version', `v${given}`);
    expect(run('dpkg-deb', ['--field', deb, 'Version'])).toBe(`${packaged}\n`);
    expect(run('rpm', ['-qp', '--queryformat', '%{VERSION}', rpm])).toBe(packaged);
  });

  it.each([
    [['--arch', 'x64'], 'node-packages: --executable must name the executable to package (given: nothing)\n'],
    [['--arch', 'riscv', '--executable', SCRIPT], 'node-packages: --arch must be one of x64, arm64\n'],
    [['--arch', 'x64', '--executable', SCRIPT, '--version', 'main'], 'node-packages: --version main is not x.y.z or x.y.z-pre.release\n'],
  ])('refuses %j', (args, stderr) => {
    const result = runProgramSync(process.execPath, [SCRIPT, ...args, '--outdir', makeTempDir()]);
    expect({ code: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 1, stderr, stdout: '' });
  });
});

describe('the release workflow', () => {
  const release = fs.readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8');
  const packages = fs.readFileSync(path.join(ROOT, '.github/workflows/linux-packages.yml'), 'utf8');
  const job = (name: string): string => {
    const start = packages.indexOf(`\n  ${name}:\n`);
    if (start < 0) throw new Error(`linux-packages.yml has no job ${name}`);
    const end = packages.slice(start + 1).search(/\n {2}[\w-]+:\n/);
    return end < 0 ? packages.slice(start) : packages.slice(start, start + 1 + end);
  };

  it('builds both packages for x64 and arm64 from the glibc executables, with the version of the tag', () => {
    expect(release).toMatch(
      /\n {2}linux-packages:\n {4}name: .*\n {4}needs: executable\n {4}uses: \.\/\.github\/workflows\/linux-packages\.yml\n/,
    );
    expect(packages).toMatch(/\non:\n {2}workflow_call:\n/);
    const build = job('build');
    expect(build).toContain('pattern: executable-linux-*');
    expect(build).toContain('sudo apt-get install -y -qq --no-install-recommends rpm');
    expect(build).toContain('for arch in x64 arm64; do');
    expect(build).toContain(
      `node scripts/node-packages.mjs --executable "executables/docker-credential-ecr-login-linux-$arch" \\\n              --arch "$arch" --version "\${GITHUB_REF_NAME#v}" --outdir out`,
    );
  });

  it('installs each on a runner of its architecture, the .deb with dpkg and the .rpm in Fedora, runs both names, and removes them', () => {
    const test = job('install');
    expect(test).toContain('needs: build\n');
    expect([...test.matchAll(/- arch: (\S+)\n\s+os: (\S+)\n\s+deb-arch: (\S+)\n\s+rpm-arch: (\S+)/g)].map((m) => m.slice(1))).toEqual([
      ['x64', 'ubuntu-latest', 'amd64', 'x86_64'],
      ['arm64', 'ubuntu-24.04-arm', 'arm64', 'aarch64'],
    ]);
    expect(test).toMatch(/sudo dpkg -i "packages\/docker-credential-ecr-login_\$\{version\/-\/\\~\}_\$\{DEB_ARCH\}\.deb"/);
    expect(test).toMatch(
      /docker run [^\n]* fedora:\d+ sh -euc '\n\s+dnf install -y -q nodejs[^\n]*\n\s+rpm -i "packages\/docker-credential-ecr-login-/,
    );
    for (const remove of ['sudo dpkg -r docker-credential-ecr-login', 'rpm -e docker-credential-ecr-login']) expect(test).toContain(remove);
    expect(test.match(/test "\$\(readlink \/usr\/bin\/ecr-credential-provider\)" = docker-credential-ecr-login/g)).toHaveLength(2);
    expect(test.match(/--provider \/usr\/bin\/ecr-credential-provider/g)).toHaveLength(2);
    // The licence text, as the packages install it, and gone with them.
    for (const licence of [`/${DOC_DIR}/copyright`, `/${LICENSE_DIR}/LICENSE`]) {
      expect(test).toContain(`cmp LICENSE ${licence}\n`);
      expect(test).toMatch(new RegExp(`stat -c .%a %U:%G. ${licence}\\)" = .644 root:root.\\n`));
    }
    expect(test).toContain(`test ! -e /${DOC_DIR}\n`);
    expect(test).toContain(`test ! -e /${LICENSE_DIR}'`);
    expect(release).toContain('needs: [executable, npm-package, linux-packages]');
  });
});
