// `npm run fuzz`: the property tests (__tests__/property) with many more runs than `npm test`
// gives them (FUZZ_RUNS, default 20000) and a new random seed each time (FUZZ_SEED to replay
// one), each test given up to 30 minutes. fast-check prints the seed and path of any counterexample it finds; run again with
// FUZZ_SEED=<seed> FUZZ_PATH=<path> to replay exactly that case. Arguments go to jest.

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seed = process.env.FUZZ_SEED ?? String(randomInt(2 ** 31));
const runs = process.env.FUZZ_RUNS ?? '20000';
process.stdout.write(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}\n`);
const run = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest'), '__tests__/property', '--testTimeout=1800000', ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
  },
);
process.exit(run.status ?? 1);
