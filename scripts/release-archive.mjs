// The archive of a release executable (issue 21.5), what users of other helpers expect to
// download: the executable under its own name, the LICENSE and the README, side by side.
//
//   node scripts/release-archive.mjs --executable <file> --target <target> [--outdir out]
//
// <target> is the release's name for the platform (linux-x64, darwin-arm64, windows-x64, …,
// release.yml's matrix). Writes <outdir>/docker-credential-ecr-login-<target>.tar.gz, or .zip
// for windows-*, holding docker-credential-ecr-login[.exe] (0755), LICENSE and README.md
// (0644) with no directory around them, and prints its path. Unpacked, `--help` names the
// README beside the executable (src/cli/format-readme-address.ts).
//
// tar: GNU tar (Linux) or bsdtar (macOS), owner and group 0 whoever builds it. zip: Info-ZIP's
// zip, else 7-Zip (GitHub's Windows runners have 7z, not zip).

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'docker-credential-ecr-login';

function fail(message) {
  process.stderr.write(`release-archive: ${message}\n`);
  process.exit(1);
}

function parseOptions() {
  const { values } = parseArgs({
    options: { executable: { type: 'string' }, target: { type: 'string' }, outdir: { type: 'string', default: 'out' } },
  });
  if (values.executable === undefined || !statSync(values.executable, { throwIfNoEntry: false })?.isFile()) {
    fail(`--executable must name the executable to archive (given: ${values.executable ?? 'nothing'})`);
  }
  if (!/^(?:linux|darwin|windows)-(?:x64|arm64)(?:-musl)?$/.test(values.target ?? '')) {
    fail(`--target must be a release target such as linux-x64, darwin-arm64 or windows-x64 (given: ${values.target ?? 'nothing'})`);
  }
  return { executable: path.resolve(values.executable), target: values.target, outdir: path.resolve(values.outdir) };
}

/** Whether `program` answers `--version` (so is there to run). */
function has(program) {
  try {
    execFileSync(program, program === '7z' ? ['i'] : ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function writeTar(stage, names, file) {
  const gnu = execFileSync('tar', ['--version'], { encoding: 'utf8' }).includes('GNU tar');
  const owner = gnu ? ['--owner=0', '--group=0', '--numeric-owner'] : ['--uid', '0', '--gid', '0'];
  execFileSync('tar', ['-czf', file, ...owner, '-C', stage, ...names], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function writeZip(stage, names, file) {
  if (has('zip')) execFileSync('zip', ['-q', '-X', file, ...names], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  else if (has('7z'))
    execFileSync('7z', ['a', '-tzip', '-bso0', '-bsp0', file, ...names], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  else fail('making a .zip takes zip or 7z, and neither is on PATH');
}

const options = parseOptions();
const windows = options.target.startsWith('windows-');
const program = `${NAME}${windows ? '.exe' : ''}`;
const stage = mkdtempSync(path.join(tmpdir(), 'release-archive-'));
try {
  copyFileSync(options.executable, path.join(stage, program));
  chmodSync(path.join(stage, program), 0o755);
  for (const doc of ['LICENSE', 'README.md']) {
    copyFileSync(path.join(ROOT, doc), path.join(stage, doc));
    chmodSync(path.join(stage, doc), 0o644);
  }
  mkdirSync(options.outdir, { recursive: true });
  const file = path.join(options.outdir, `${NAME}-${options.target}${windows ? '.zip' : '.tar.gz'}`);
  rmSync(file, { force: true });
  (windows ? writeZip : writeTar)(stage, [program, 'LICENSE', 'README.md'], file);
  process.stdout.write(`${file}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
