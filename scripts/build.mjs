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
  logLevel: 'warning',
};

/** Keeps the lazily imported AWS module out of the main bundle, loaded from dist/ at run time. */
const lazyAws = {
  name: 'lazy-aws',
  setup(b) {
    b.onResolve({ filter: /\/aws\/create-ecr-token-source$/ }, () => ({ path: './aws-token-source.js', external: true }));
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
  build({ ...common, entryPoints: ['src/bin/docker-credential-ecr-login.ts'], outfile: 'dist/docker-credential-ecr-login.js', plugins: [lazyAws, sharedErrors] }),
  build({ ...common, entryPoints: ['src/aws/create-ecr-token-source.ts'], outfile: 'dist/aws-token-source.js', plugins: [sharedErrors] }),
  build({ ...common, entryPoints: ['src/errors.ts'], outfile: 'dist/errors.js' }),
  build({ ...common, entryPoints: ['emulator/main.ts'], outfile: 'dist/ecr-emulator.js' }),
  build({ ...common, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' }),
]);
for (const f of ['bin/docker-credential-ecr-login']) chmodSync(f, 0o755);
