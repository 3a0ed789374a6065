// Bundles the helper for a fast start: one CommonJS file for the protocol and cache path,
// and the AWS SDK token source in a separate file that is only loaded on a cache miss.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const common = {
  plugins: [],
  // A native addon: loaded from node_modules at run time, and only when the keychain is used.
  external: ['@napi-rs/keyring'],
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
  // Lazy chunks load with require(): no ESM loader at run time (and none inside vm.Script).
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
};

/**
 * Modules imported lazily (`await import(...)`) that get a bundle of their own, so the main
 * bundle neither loads nor compiles them on a cache hit: the AWS SDK, commander, and the
 * libraries of the write path.
 */
const require = createRequire(import.meta.url);
const LAZY_CHUNKS = [
  { source: 'src/aws/create-ecr-token-source.ts', filter: /\/aws\/create-ecr-token-source$/, out: 'aws-token-source.js' },
  { source: 'src/cli/commander-program.ts', filter: /\/commander-program$/, out: 'cli-commander.js' },
  // The write path (a miss): locking and atomic writes, with graceful-fs, retry, signal-exit.
  { source: require.resolve('proper-lockfile'), filter: /^proper-lockfile$/, out: 'vendor-proper-lockfile.js' },
  { source: require.resolve('write-file-atomic'), filter: /^write-file-atomic$/, out: 'vendor-write-file-atomic.js' },
];
const lazyChunks = {
  name: 'lazy-chunks',
  setup(b) {
    for (const chunk of LAZY_CHUNKS) {
      b.onResolve({ filter: chunk.filter }, () => ({ path: `./${chunk.out}`, external: true }));
    }
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
    b.onResolve({ filter: /^@noble\/hashes\/crypto$/ }, () => ({ path: path.resolve('scripts/noble-crypto-shim.js') }));
  },
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ['src/bin/docker-credential-ecr-login.ts'], outfile: 'dist/docker-credential-ecr-login.js', plugins: [lazyChunks, nobleWebCrypto] }),
  ...LAZY_CHUNKS.map((chunk) => build({ ...common, entryPoints: [chunk.source], outfile: `dist/${chunk.out}`, plugins: [nobleWebCrypto] })),
  build({ ...common, entryPoints: ['emulator/main.ts'], outfile: 'dist/ecr-emulator.js' }),
  build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' }),
  build({ ...common, entryPoints: ['scripts/bench.ts'], outfile: 'dist/bench.js' }),
]);
for (const f of ['bin/docker-credential-ecr-login']) chmodSync(f, 0o755);
