// The Linux packages of a release (issue 22.4): a .deb and an .rpm that install the
// executable as /usr/bin/docker-credential-ecr-login and the link
// /usr/bin/ecr-credential-provider -> docker-credential-ecr-login (the name kubelet runs it by;
// the program picks its protocol from the name it is started by), and the licence text
// (LICENSE, Apache-2.0, which asks that it go with every copy) where each distribution keeps
// it: /usr/share/doc/docker-credential-ecr-login/copyright in the .deb (Debian policy 12.5),
// /usr/share/licenses/docker-credential-ecr-login/LICENSE (`%license`) in the .rpm. Nothing
// else: no maintainer scripts, no kubelet configuration touched (README: kubelet-config prints it).
//
//   node scripts/node-packages.mjs --executable <file> --arch x64|arm64 [--version 1.2.3]
//                                  [--outdir out] [--format deb|rpm ...] [--maintainer "Name <mail>"]
//
// Writes <outdir>/docker-credential-ecr-login_<version>_<amd64|arm64>.deb (dpkg-deb, with
// --root-owner-group: root:root whoever builds it; xz, which every dpkg reads) and
// <outdir>/docker-credential-ecr-login-<version>-1.<x86_64|aarch64>.rpm (rpmbuild; Debian's
// `rpm` package has it), and prints their paths. The version defaults to package.json's; a
// pre-release (1.2.3-rc.1) becomes 1.2.3~rc.1, which both formats sort before 1.2.3.
//
// - Both declare a conflict with amazon-ecr-credential-helper (the Go helper as Debian, Ubuntu
//   and Fedora package it): it installs the same /usr/bin/docker-credential-ecr-login.
// - rpm: no dependencies generated (AutoReqProv: no) and nothing of rpmbuild's post-install
//   processing: stripping or build-id links would damage the Bun executable, whose program is
//   appended to the runtime.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'docker-credential-ecr-login';
const PROVIDER = 'ecr-credential-provider';
const CONFLICTS = 'amazon-ecr-credential-helper';
const ARCHES = { x64: { deb: 'amd64', rpm: 'x86_64' }, arm64: { deb: 'arm64', rpm: 'aarch64' } };
const DEFAULT_MAINTAINER = 'The docker-credential-ecr-login (TypeScript) authors';
const SUMMARY = 'Docker credential helper and kubelet image credential provider for Amazon ECR';
const LICENSE_FILE = path.join(ROOT, 'LICENSE');
const DEB_COPYRIGHT = `usr/share/doc/${NAME}/copyright`;
const RPM_LICENSE = `/usr/share/licenses/${NAME}/LICENSE`;

function fail(message) {
  process.stderr.write(`node-packages: ${message}\n`);
  process.exit(1);
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      executable: { type: 'string' },
      arch: { type: 'string' },
      version: { type: 'string' },
      outdir: { type: 'string', default: 'out' },
      format: { type: 'string', multiple: true, default: ['deb', 'rpm'] },
      maintainer: { type: 'string', default: DEFAULT_MAINTAINER },
    },
  });
  if (values.executable === undefined || !statSync(values.executable, { throwIfNoEntry: false })?.isFile()) {
    fail(`--executable must name the executable to package (given: ${values.executable ?? 'nothing'})`);
  }
  const arch = ARCHES[values.arch ?? ''];
  if (!Object.hasOwn(ARCHES, values.arch ?? '')) fail(`--arch must be one of ${Object.keys(ARCHES).join(', ')}`);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const version = (values.version ?? pkg.version).replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/.test(version)) fail(`--version ${version} is not x.y.z or x.y.z-pre.release`);
  for (const format of values.format) if (format !== 'deb' && format !== 'rpm') fail(`--format ${format}: deb or rpm`);
  if (/[\n\r]/.test(values.maintainer)) fail('--maintainer must be one line');
  return {
    executable: path.resolve(values.executable),
    arch,
    version: version.replace('-', '~'),
    outdir: path.resolve(values.outdir),
    formats: values.format,
    maintainer: values.maintainer,
    description: pkg.description,
    license: pkg.license,
  };
}

/** The .deb: a staging root with DEBIAN/control, the two files and the copyright, built by dpkg-deb. */
function buildDeb(options, work) {
  const root = path.join(work, 'deb');
  mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
  mkdirSync(path.join(root, path.dirname(DEB_COPYRIGHT)), { recursive: true });
  const bin = path.join(root, 'usr/bin', NAME);
  copyFileSync(options.executable, bin);
  chmodSync(bin, 0o755);
  symlinkSync(NAME, path.join(root, 'usr/bin', PROVIDER));
  copyFileSync(LICENSE_FILE, path.join(root, DEB_COPYRIGHT));
  chmodSync(path.join(root, DEB_COPYRIGHT), 0o644);
  const control = [
    `Package: ${NAME}`,
    `Version: ${options.version}`,
    `Architecture: ${options.arch.deb}`,
    `Maintainer: ${options.maintainer}`,
    `Installed-Size: ${Math.ceil(statSync(bin).size / 1024)}`,
    `Conflicts: ${CONFLICTS}`,
    'Section: utils',
    'Priority: optional',
    `Description: ${SUMMARY}`,
    ` ${options.description}.`,
    ` Installs ${PROVIDER}, the name kubelet runs it by, as a link to it.`,
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'DEBIAN/control'), control, { mode: 0o644 });
  chmodSync(path.join(root, 'DEBIAN'), 0o755);
  for (const dir of ['usr', 'usr/bin', 'usr/share', 'usr/share/doc', `usr/share/doc/${NAME}`]) chmodSync(path.join(root, dir), 0o755);
  const file = path.join(options.outdir, `${NAME}_${options.version}_${options.arch.deb}.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', root, file], { stdio: ['ignore', 'ignore', 'inherit'] });
  return file;
}

/** The .rpm: a spec that installs the two files and the licence, built by rpmbuild in a top directory of its own. */
function buildRpm(options, work) {
  const top = path.join(work, 'rpm');
  mkdirSync(top, { recursive: true });
  const spec = [
    `Name: ${NAME}`,
    `Version: ${options.version}`,
    'Release: 1',
    `Summary: ${SUMMARY}`,
    `License: ${options.license}`,
    `Packager: ${options.maintainer}`,
    `Conflicts: ${CONFLICTS}`,
    'AutoReqProv: no',
    '%global debug_package %{nil}',
    '%global __os_install_post %{nil}',
    '%global __strip /bin/true',
    '%global _build_id_links none',
    '',
    '%description',
    `${options.description}.`,
    `Installs ${PROVIDER}, the name kubelet runs it by, as a link to it.`,
    '',
    '%install',
    'mkdir -p %{buildroot}/usr/bin',
    `install -m 0755 %{executable} %{buildroot}/usr/bin/${NAME}`,
    `ln -s ${NAME} %{buildroot}/usr/bin/${PROVIDER}`,
    `install -D -m 0644 %{license_file} %{buildroot}${RPM_LICENSE}`,
    '',
    '%files',
    '%defattr(-,root,root,-)',
    `%attr(0755,root,root) /usr/bin/${NAME}`,
    `/usr/bin/${PROVIDER}`,
    // An absolute path: marked as the licence (rpm -L lists it, --nodocs keeps it), not
    // copied; its directory owned too, so that removing the package removes it.
    `%dir %attr(0755,root,root) ${path.dirname(RPM_LICENSE)}`,
    `%license %attr(0644,root,root) ${RPM_LICENSE}`,
    '',
  ].join('\n');
  const specFile = path.join(top, `${NAME}.spec`);
  writeFileSync(specFile, spec);
  const define = (name, value) => ['--define', `${name} ${value}`];
  execFileSync(
    'rpmbuild',
    [
      '-bb',
      '--quiet',
      '--target',
      `${options.arch.rpm}-linux`,
      ...define('_topdir', top),
      ...define('_rpmdir', options.outdir),
      ...define('_build_name_fmt', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm'),
      ...define('_binary_payload', 'w6.xzdio'),
      ...define('executable', `"${options.executable}"`),
      ...define('license_file', `"${LICENSE_FILE}"`),
      specFile,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return path.join(options.outdir, `${NAME}-${options.version}-1.${options.arch.rpm}.rpm`);
}

const options = parseOptions();
mkdirSync(options.outdir, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'node-packages-'));
try {
  for (const format of options.formats) {
    const file = format === 'deb' ? buildDeb(options, work) : buildRpm(options, work);
    process.stdout.write(`${file}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
