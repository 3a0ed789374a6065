// Bundles the helper for a fast start: every module of ours in one CommonJS file, and each
// heavy third-party library in a chunk of its own that the bundle require()s only when it
// needs it — the AWS SDK on a cache miss, commander for anything but a bare protocol action,
// proper-lockfile when a lock is taken. A chunk holds only third-party code, so no module is
// bundled twice; dist/metafile.json records which sources went into which output, and a test
// (__tests__/integration/package.test.ts) fails when a source appears in two.
// Developer tools (emulator, demo, benchmark) go to dist/dev/, which is not published.

import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  // Smaller to read and compile at start-up; identifiers stay, so error and class names and
  // profiles remain legible.
  minifyWhitespace: true,
  minifySyntax: true,
  // Chunks load with require(): no ESM loader at run time (and none inside vm.Script).
  supported: { 'dynamic-import': false },
  // A native addon: loaded from node_modules at run time, and only when the keychain is used.
  external: ['@napi-rs/keyring'],
  // jsonc-parser's main is a UMD build whose require()s esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  logLevel: 'warning',
  metafile: true,
};

/**
 * The chunks: `matches` tells, from an import's specifier and the importing directory,
 * whether the import is of this chunk's module; the bundle then require()s the chunk instead.
 */
const CHUNKS = [
  {
    out: 'vendor-aws-sdk.js',
    source: path.join(ROOT, 'src/aws/sdk-clients.ts'),
    matches: (spec, dir) => spec.startsWith('.') && path.resolve(dir, spec) === path.join(ROOT, 'src/aws/sdk-clients'),
  },
  { out: 'vendor-commander.js', source: require.resolve('commander'), matches: (spec) => spec === 'commander' },
  { out: 'vendor-proper-lockfile.js', source: require.resolve('proper-lockfile'), matches: (spec) => spec === 'proper-lockfile' },
];

const chunkImports = {
  name: 'chunk-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const chunk = CHUNKS.find((c) => c.matches(args.path, args.resolveDir));
      return chunk ? { path: `./${chunk.out}`, external: true } : undefined;
    });
  },
};

/**
 * @noble/hashes picks, for Node, a module that loads node:crypto (~5 ms) only to reach
 * `webcrypto`; its platform-neutral module reads `globalThis.crypto` (Node >= 19) instead,
 * and only when random bytes are asked for. See src/hash.ts.
 */
const nobleWebCrypto = {
  name: 'noble-webcrypto',
  setup(b) {
    b.onResolve({ filter: /^@noble\/hashes\/crypto$/ }, () => ({ path: path.join(ROOT, 'scripts/noble-crypto-shim.js') }));
  },
};

rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
const shipped = [
  {
    entryPoints: ['src/entry/docker-credential-ecr-login.ts'],
    outfile: 'dist/docker-credential-ecr-login.js',
    plugins: [chunkImports, nobleWebCrypto],
  },
  ...CHUNKS.map((chunk) => ({ entryPoints: [chunk.source], outfile: `dist/${chunk.out}`, plugins: [] })),
  // The process that makes the native keychain calls (src/keychain/os-keychain.ts starts it).
  { entryPoints: ['src/entry/keychain-worker.ts'], outfile: 'dist/keychain-worker.js', plugins: [] },
];
const devTools = [
  { entryPoints: ['emulator/main.ts'], outfile: 'dist/dev/ecr-emulator.js' },
  { entryPoints: ['scripts/demo.ts'], outfile: 'dist/dev/demo.js' },
  { entryPoints: ['scripts/bench.ts'], outfile: 'dist/dev/bench.js' },
];
const results = await Promise.all([...shipped, ...devTools].map((options) => build({ ...common, absWorkingDir: ROOT, ...options })));

const inputsByOutput = {};
for (const result of results.slice(0, shipped.length)) {
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) inputsByOutput[output] = Object.keys(inputs).sort();
}
writeFileSync(path.join(ROOT, 'dist/metafile.json'), `${JSON.stringify({ inputsByOutput }, null, 1)}\n`);
for (const bin of ['docker-credential-ecr-login', 'ecr-credential-provider']) chmodSync(path.join(ROOT, 'bin', bin), 0o755);
