// Bundles the helper for a fast start: one CommonJS file for the protocol and cache path,
// and the AWS SDK token source in a separate file that is only loaded on a cache miss.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
};

/**
 * Modules imported lazily (`await import(...)`) that get a bundle of their own, so the main
 * bundle neither loads nor compiles them on a cache hit: the AWS SDK, and commander.
 */
const LAZY_CHUNKS = [
  { source: 'src/aws/create-ecr-token-source.ts', filter: /\/aws\/create-ecr-token-source$/, out: 'aws-token-source.js' },
  { source: 'src/cli/commander-program.ts', filter: /\/commander-program$/, out: 'cli-commander.js' },
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
 * errors.ts is its own file, shared by both bundles: `instanceof HelperError` must see one
 * class, whichever bundle threw the error.
 */
const sharedErrors = {
  name: 'shared-errors',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/(\.\.\/)*errors$/ }, () => ({ path: './errors.js', external: true }));
  },
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: ['src/bin/docker-credential-ecr-login.ts'], outfile: 'dist/docker-credential-ecr-login.js', plugins: [lazyChunks, sharedErrors] }),
  ...LAZY_CHUNKS.map((chunk) => build({ ...common, entryPoints: [chunk.source], outfile: `dist/${chunk.out}`, plugins: [sharedErrors] })),
  build({ ...common, entryPoints: ['src/errors.ts'], outfile: 'dist/errors.js' }),
  build({ ...common, entryPoints: ['emulator/main.ts'], outfile: 'dist/ecr-emulator.js' }),
  build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' }),
]);
for (const f of ['bin/docker-credential-ecr-login']) chmodSync(f, 0o755);
