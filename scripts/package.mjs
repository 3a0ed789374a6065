// `npm run package`: the single-file executable. Compiles the esbuild output in dist/ (made by
// `npm run build` just before) with the pinned Bun into dist/docker-credential-ecr-login, and
// puts the same file beside it as dist/ecr-credential-provider (a hard link; a copy where links
// are impossible): the program speaks kubelet's protocol when started by that name.
//
//   npm run package [-- --target <bun-target>] [--outfile <path>]
//
// Without --target: for this machine, with the Bun and the keyring addon in node_modules
// (what the tests run). With --target (scripts/compile-targets.js lists them: baseline x64,
// musl, another OS): for that platform, in a staging directory of its own (see
// `stageForTarget`), into dist/<target>/ unless --outfile says where. The provider link is
// made only beside a file named docker-credential-ecr-login[.exe]; a release asset, named
// for its platform, is one file.
//
// - Bun is the devDependency `bun`, whose platform package (@oven/bun-<os>-<arch>[-musl])
//   carries the binary: nothing is downloaded for the default build (scripts/find-bun.js
//   finds it).
// - Embedded: the bundle with its lazy chunks (vendor-*.js, and cli-*.js for the commands,
//   required by relative path, so Bun compiles them in; `require` stays lazy), the keychain worker (a second entry point, at
//   /$bunfs/root/: the executable started with its hidden keychain argument requires it, see
//   src/entry/locate-program.ts) and the
//   @napi-rs/keyring addon of the target platform (extracted by Bun when first loaded).
// - --bytecode: compiled ahead of time, for the start-up a credential helper needs.
// - --compile-jit-policy=100: JavaScriptCore tiers code up to its JIT a hundred times later.
//   A helper lives for a fraction of a second; JIT work it starts mostly goes to waste.
//   Measured with `npm run bench`: a cold get about 8% faster, a cache hit unchanged.
// - --no-compile-autoload-dotenv, --no-compile-autoload-bunfig: a compiled Bun program would
//   otherwise read `.env` and `bunfig.toml` from its working directory — the user's, when
//   docker starts it — and a `preload` there would run any code inside the helper.
//   __tests__/integration/executable.test.ts plants both and proves they are ignored.
// - On Windows, version information (product name, version, description, publisher,
//   copyright: what Explorer's Details tab and SmartScreen show). Bun sets it only when it
//   compiles on Windows; a Windows target built elsewhere has none, and this says so.

import { execFileSync, execSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import compileTargets from './compile-targets.js';
import findBunModule from './find-bun.js';

const { findBun, COMPILE_FLAGS } = findBunModule;
const { parseCompileTarget } = compileTargets;

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HELPER_NAME = 'docker-credential-ecr-login';
const PROVIDER_NAME = 'ecr-credential-provider';
/** Who publishes it, as LICENSE's copyright line names them. */
const PUBLISHER = 'The docker-credential-ecr-login (TypeScript) authors';

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

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** `1.2.3-rc.1` -> `1.2.3.0`: Windows wants four numbers. */
function windowsVersion(version) {
  const numbers = version
    .split(/[-+]/)[0]
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  return [...numbers, 0, 0, 0, 0].slice(0, 4).join('.');
}

function windowsMetadataFlags() {
  const { version, description } = readJson(path.join(ROOT, 'package.json'));
  return [
    `--windows-title=${HELPER_NAME}`,
    `--windows-version=${windowsVersion(version)}`,
    `--windows-description=${description}`,
    `--windows-publisher=${PUBLISHER}`,
    `--windows-copyright=Copyright ${new Date().getUTCFullYear()} ${PUBLISHER}; Apache-2.0`,
  ];
}

/**
 * Runs npm with `args` in `cwd`: the npm that runs this script when there is one (`npm run
 * package`), else the one on PATH (on Windows npm.cmd, which Node starts only through a
 * shell; the arguments are fixed words, nothing to quote).
 */
function npm(args, cwd) {
  const stdio = ['ignore', 'ignore', 'inherit'];
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) return execFileSync(process.execPath, [cli, ...args], { cwd, stdio });
  if (process.platform === 'win32') return execSync(['npm', ...args].join(' '), { cwd, stdio });
  return execFileSync('npm', args, { cwd, stdio });
}

/**
 * A directory that holds what building for `target` takes, and nothing of this machine's
 * platform: dist/'s bundles, @napi-rs/keyring with the addon npm selects for the target's
 * platform (`--os`, `--cpu`, `--libc`: npm's own choice, as on that machine), and Bun's
 * runtime for the target, each at the version this project pins. npm fetches them (its
 * registry, cache and checks); every package that package-lock.json also lists must have
 * the integrity recorded there. (Bun could fetch its runtime itself, but straight from one
 * registry address, past the user's npm configuration and without a checksum to compare.)
 */
function stageForTarget(target) {
  const lock = readJson(path.join(ROOT, 'package-lock.json')).packages ?? {};
  const keyringVersion = lock['node_modules/@napi-rs/keyring']?.version;
  const bunVersion = lock['node_modules/bun']?.version;
  if (!keyringVersion || !bunVersion) fail('package-lock.json does not list @napi-rs/keyring and bun: run `npm install`');

  const stage = mkdtempSync(path.join(tmpdir(), 'ecr-login-package-'));
  mkdirSync(path.join(stage, 'dist'));
  for (const file of readdirSync(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.js'))) {
    copyFileSync(path.join(ROOT, 'dist', file), path.join(stage, 'dist', file));
  }
  writeFileSync(
    path.join(stage, 'package.json'),
    `${JSON.stringify({
      name: 'ecr-login-package-stage',
      private: true,
      dependencies: { '@napi-rs/keyring': keyringVersion },
      // Optional, so that npm installs it for the platform it is told, not refusing this one.
      optionalDependencies: { [target.runtime]: bunVersion },
    })}\n`,
  );
  const { os, cpu, libc } = target.npmPlatform;
  const platform = [`--os=${os}`, `--cpu=${cpu}`, ...(libc ? [`--libc=${libc}`] : [])];
  npm(['install', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...platform], stage);

  const installed = readJson(path.join(stage, 'node_modules', '.package-lock.json')).packages ?? {};
  const addons = Object.keys(installed).filter((key) => /^node_modules\/@napi-rs\/keyring-/.test(key));
  const runtime = path.join(stage, 'node_modules', target.runtime, 'bin', target.exe ? 'bun.exe' : 'bun');
  if (addons.length !== 1)
    fail(
      `npm installed ${addons.length} keyring addons for ${target.target} (${addons.join(', ')}); expected one (an npm that knows --os, --cpu and --libc)`,
    );
  if (!existsSync(runtime)) fail(`npm did not install ${target.runtime}@${bunVersion}: ${runtime} is missing`);
  for (const [key, entry] of Object.entries(installed)) {
    const pinned = lock[key];
    if (pinned?.version === entry.version && pinned.integrity !== entry.integrity) {
      fail(`${key}@${entry.version} has integrity ${entry.integrity}, but package-lock.json records ${pinned.integrity}`);
    }
    const how = pinned?.version === entry.version ? 'as in package-lock.json' : "npm checked it against the registry's";
    process.stdout.write(`package: ${key.slice('node_modules/'.length)}@${entry.version}, ${how} ${entry.integrity}\n`);
  }
  return { stage, runtime };
}

/** `dist/<name>` and the provider beside it, or wherever --outfile says. */
function outputs(outfile, target, exe) {
  const helper = outfile ? path.resolve(outfile) : path.join(ROOT, 'dist', ...(target ? [target.target] : []), `${HELPER_NAME}${exe}`);
  const provider = path.basename(helper) === `${HELPER_NAME}${exe}` ? path.join(path.dirname(helper), `${PROVIDER_NAME}${exe}`) : undefined;
  return { helper, provider };
}

const USAGE = 'usage: npm run package [-- --target <bun-target>] [--outfile <path>]';
let options;
try {
  options = parseArgs({ options: { target: { type: 'string' }, outfile: { type: 'string' } } }).values;
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
const target = options.target === undefined ? undefined : parseCompileTarget(options.target);
if (target && 'error' in target) fail(target.error);

const entry = path.join(ROOT, 'dist', `${HELPER_NAME}.js`);
const worker = path.join(ROOT, 'dist', 'keychain-worker.js');
if (!existsSync(entry) || !existsSync(worker)) fail('dist/ has no bundle: run `npm run build` first');

let cwd = ROOT;
let stage;
const flags = [...COMPILE_FLAGS];
if (target) {
  const staged = stageForTarget(target);
  stage = staged.stage;
  cwd = stage;
  flags.push(`--target=${target.target}`, `--compile-executable-path=${staged.runtime}`);
} else {
  // The addon is embedded only if this platform's binary package is installed (an optional
  // dependency of @napi-rs/keyring); without it the executable would build, and then fail at
  // the first keychain call.
  try {
    require('@napi-rs/keyring');
  } catch (error) {
    fail(`@napi-rs/keyring does not load here, so the executable would have no keychain: ${error.message}`);
  }
}
const forWindows = target ? target.exe === '.exe' : process.platform === 'win32';
if (forWindows && process.platform === 'win32') flags.push(...windowsMetadataFlags());
else if (forWindows) process.stderr.write('package: no Windows version information: Bun sets it only when it compiles on Windows\n');

const exe = target ? target.exe : process.platform === 'win32' ? '.exe' : '';
const { helper, provider } = outputs(options.outfile, target, exe);
const { bun, version } = findPinnedBun();
try {
  mkdirSync(path.dirname(helper), { recursive: true });
  rmSync(helper, { force: true });
  if (provider) rmSync(provider, { force: true });
  const sources = [entry, worker].map((file) => path.join(cwd, 'dist', path.basename(file)));
  execFileSync(bun, ['build', ...flags, ...sources, `--outfile=${helper}`], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
} finally {
  if (stage) rmSync(stage, { recursive: true, force: true });
}
if (provider) {
  try {
    linkSync(helper, provider);
  } catch {
    copyFileSync(helper, provider);
  }
}
const mb = (statSync(helper).size / 1e6).toFixed(1);
const shown = [helper, ...(provider ? [provider] : [])]
  .map((file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file)))
  .join(' and ');
process.stdout.write(`package: ${shown} (one file, ${mb} MB, Bun ${version}${target ? `, ${target.target}` : ''})\n`);
