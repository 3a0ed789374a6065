'use strict';
// The pinned Bun binary (the devDependency `bun`), for `npm run package`, the benchmark's floor
// and the tests' control runs. Where npm leaves it depends on whether the `bun` package's
// postinstall ran: without it, in the platform package (@oven/bun-<os>-<arch>[-musl]/bin/bun);
// with it (npm 11 runs it despite warning that it did not), moved to node_modules/bun/bin/bun.exe
// (a hard link, on every platform), leaving the platform package's bin/ empty. Either is the
// pinned binary if it says the pinned version. Nothing is ever downloaded.

const { execFileSync } = require('node:child_process');
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** musl (Alpine) or glibc: Bun ships a build for each. */
function isMusl() {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport();
  return !(report && typeof report === 'object' && report.header?.glibcVersionRuntime);
}

function versionOf(file) {
  try {
    // The `bun` package's placeholder bin/bun.exe (before its postinstall) is a small script.
    if (statSync(file).size < 1024 * 1024) return undefined;
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * `{ bun, version }` for the pinned Bun, or `{ error }` saying what to do. `root` is the
 * project whose node_modules and package.json are searched.
 */
function findBun(root = ROOT) {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' }[process.platform];
  const arch = { x64: 'x64', arm64: 'aarch64' }[process.arch];
  if (!os || !arch) return { error: `Bun has no build for ${process.platform}-${process.arch}` };
  const name = `@oven/bun-${os}-${arch}${isMusl() ? '-musl' : ''}`;
  const pinned = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies?.bun;
  const modules = path.join(root, 'node_modules');
  const candidates = [
    path.join(modules, name, 'bin', process.platform === 'win32' ? 'bun.exe' : 'bun'),
    path.join(modules, 'bun', 'bin', 'bun.exe'),
  ];
  const found = candidates.map((bun) => ({ bun, version: versionOf(bun) })).find((c) => c.version !== undefined);
  if (!found) {
    return {
      error: `no Bun binary in ${candidates.join(' or ')} (the devDependency bun@${pinned}): remove node_modules/${name} and node_modules/bun and run \`npm ci\` again`,
    };
  }
  if (found.version !== pinned) return { error: `${found.bun} is Bun ${found.version}, but package.json pins ${pinned}: run \`npm ci\`` };
  return found;
}

/**
 * How the helper is compiled (scripts/package.mjs says why each flag), and so also the
 * benchmark's do-nothing program it is measured against.
 */
const COMPILE_FLAGS = [
  '--compile',
  '--bytecode',
  '--compile-jit-policy=100',
  '--format=cjs',
  '--no-compile-autoload-dotenv',
  '--no-compile-autoload-bunfig',
];

module.exports = { findBun, COMPILE_FLAGS };
