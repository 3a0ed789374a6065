// `npm run test:exe` (after `npm run package`, which the npm script runs first): the tests that
// start the helper, run again against the single-file executable (ECR_LOGIN_TEST_RUNTIME=exe,
// read by __tests__/helpers/run-helper.ts). `npm test` runs this after the whole suite on Node.
//
// Which files: every integration file where the runtime makes a difference (install: the
// executable copied alone onto PATH), plus the end-to-end suite. Arguments go to jest; ones
// that start with a path replace the selection (`npm run test:exe -- __tests__/integration`
// runs every integration file, `-- -t <name>` filters the default selection). Left out, to
// keep `npm test` short:
// - load.test.ts: 140 processes, the longest file; concurrency.test.ts covers the same locks
//   and kill points under the executable;
// - demo.test.ts: only about the Node entry (jest.config.js leaves it out under the
//   executable, so `-- __tests__/integration` does not pick it up either);
// - emulator, layers, package, workflows: they do not start the helper.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const FILES = [
  'executable',
  // What a cache hit loads: no node:http(s), child_process or worker_threads in Bun either.
  'hot-path',
  'install',
  'helper-vs-emulator',
  'kubelet',
  'identity-and-sts',
  'token-lifetime',
  'concurrency',
  'cache-faults',
  'deadlines',
  // Standard input reopened non-blocking and read at once: Bun's fs under the same descriptors.
  'stdin-kinds',
  'get-login-password',
  'proxy',
  'keychain',
  'doctor',
  'resource-limits',
].map((name) => `__tests__/integration/${name}.test.ts`);

const args = process.argv.slice(2);
const selection = args.length > 0 && !args[0].startsWith('-') ? args : [...FILES, '__tests__/e2e', ...args];
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [jest, ...selection], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, ECR_LOGIN_TEST_RUNTIME: 'exe' },
});
process.exit(run.status ?? 1);
