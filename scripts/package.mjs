// `npm run package`: the single-file executable. Compiles the esbuild output in dist/ (made by
// `npm run build` just before) with the pinned Bun into dist/docker-credential-ecr-login, and
// puts the same file beside it as dist/ecr-credential-provider (a hard link; a copy where links
// are impossible): the program speaks kubelet's protocol when started by that name.
//
// - Bun is the devDependency `bun`, whose platform package (@oven/bun-<os>-<arch>[-musl])
//   carries the binary: nothing is downloaded here (scripts/find-bun.js finds it).
// - Embedded: the bundle with its lazy chunks (vendor-*.js, required by relative path, so Bun
//   compiles them in; `require` stays lazy), the keychain worker (a second entry point, at
//   /$bunfs/root/: the executable started with its hidden keychain argument requires it, see
//   src/entry/locate-program.ts) and the
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
import { copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import findBunModule from './find-bun.js';

const { findBun, COMPILE_FLAGS } = findBunModule;

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXE = process.platform === 'win32' ? '.exe' : '';
const HELPER = path.join(ROOT, 'dist', `docker-credential-ecr-login${EXE}`);
const PROVIDER = path.join(ROOT, 'dist', `ecr-credential-provider${EXE}`);

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

/** The Bun binary of the pinned version (scripts/find-bun.js). */
function findPinnedBun() {
  const found = findBun(ROOT);
  if ('error' in found) fail(found.error);
  return found;
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

const { bun, version } = findPinnedBun();
rmSync(HELPER, { force: true });
rmSync(PROVIDER, { force: true });
execFileSync(bun, ['build', ...COMPILE_FLAGS, entry, worker, `--outfile=${HELPER}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
try {
  linkSync(HELPER, PROVIDER);
} catch {
  copyFileSync(HELPER, PROVIDER);
}
const mb = (statSync(HELPER).size / 1e6).toFixed(1);
process.stdout.write(`package: ${path.relative(ROOT, HELPER)} and ${path.relative(ROOT, PROVIDER)} (one file, ${mb} MB, Bun ${version})\n`);
