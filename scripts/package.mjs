// `npm run package`: the single-file executable. Compiles the esbuild output in dist/ (made by
// `npm run build` just before) with the pinned Bun into dist/docker-credential-ecr-login, and
// puts the same file beside it as dist/ecr-credential-provider (a hard link; a copy where links
// are impossible): the program speaks kubelet's protocol when started by that name.
//
// - Bun is the devDependency `bun`, whose platform package (@oven/bun-<os>-<arch>[-musl])
//   carries the binary: nothing is downloaded here. The `bun` package's own postinstall (which
//   would put that binary in node_modules/.bin) does not run under npm 11, so the binary is
//   taken from the platform package directly.
// - Embedded: the bundle with its lazy chunks (vendor-*.js, required by relative path, so Bun
//   compiles them in; `require` stays lazy), the keychain worker (a second entry point: Bun
//   serves it to `new Worker` from /$bunfs/root/, see src/entry/locate-program.ts) and the
//   @napi-rs/keyring addon of this platform (extracted by Bun when first loaded).
// - --bytecode: compiled ahead of time, for the start-up a credential helper needs.
// - --compile-jit-policy=100: JavaScriptCore tiers code up to its JIT a hundred times later.
//   A helper lives for a fraction of a second; JIT work it starts mostly goes to waste.
//   Measured with `npm run bench`: a cold get about 8% faster, a cache hit unchanged.
// - --no-compile-autoload-dotenv, --no-compile-autoload-bunfig: a compiled Bun program would
//   otherwise read `.env` and `bunfig.toml` from its working directory — the user's, when
//   docker starts it — and a `preload` there would run any code inside the helper.
//   __tests__/integration/executable.test.ts plants both and proves they are ignored.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXE = process.platform === 'win32' ? '.exe' : '';
const HELPER = path.join(ROOT, 'dist', `docker-credential-ecr-login${EXE}`);
const PROVIDER = path.join(ROOT, 'dist', `ecr-credential-provider${EXE}`);

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

/** musl (Alpine) or glibc: Bun ships a build for each. */
function isMusl() {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport();
  return !(report && typeof report === 'object' && report.header?.glibcVersionRuntime);
}

/** The Bun binary of the pinned version, from its platform package. */
function findBun() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' }[process.platform];
  const arch = { x64: 'x64', arm64: 'aarch64' }[process.arch];
  if (!os || !arch) fail(`Bun has no build for ${process.platform}-${process.arch}`);
  const name = `@oven/bun-${os}-${arch}${isMusl() ? '-musl' : ''}`;
  const pinned = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies?.bun;
  let dir;
  try {
    dir = path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    fail(`${name} is not installed (the platform package of the devDependency bun@${pinned}): run \`npm ci\``);
  }
  const bun = path.join(dir, 'bin', `bun${EXE}`);
  if (!existsSync(bun)) {
    // Seen once: npm unpacked the package but left bin/ empty; installing it again fixed it.
    fail(`${bun} is missing, though ${name} is installed: remove node_modules/${name} and run \`npm ci\` again`);
  }
  const version = execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== pinned) fail(`${bun} is Bun ${version}, but package.json pins ${pinned}: run \`npm ci\``);
  return { bun, version };
}

const entry = path.join(ROOT, 'dist', 'docker-credential-ecr-login.js');
const worker = path.join(ROOT, 'dist', 'keychain-worker.js');
if (!existsSync(entry) || !existsSync(worker)) fail('dist/ has no bundle: run `npm run build` first');

// The addon is embedded only if this platform's binary package is installed (an optional
// dependency of @napi-rs/keyring); without it the executable would build, and then fail at
// the first keychain call.
try {
  require('@napi-rs/keyring');
} catch (error) {
  fail(`@napi-rs/keyring does not load here, so the executable would have no keychain: ${error.message}`);
}

const { bun, version } = findBun();
rmSync(HELPER, { force: true });
rmSync(PROVIDER, { force: true });
execFileSync(
  bun,
  [
    'build',
    '--compile',
    '--bytecode',
    '--compile-jit-policy=100',
    '--format=cjs',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    entry,
    worker,
    `--outfile=${HELPER}`,
  ],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
try {
  linkSync(HELPER, PROVIDER);
} catch {
  copyFileSync(HELPER, PROVIDER);
}
const mb = (statSync(HELPER).size / 1e6).toFixed(1);
process.stdout.write(`package: ${path.relative(ROOT, HELPER)} and ${path.relative(ROOT, PROVIDER)} (one file, ${mb} MB, Bun ${version})\n`);
