import * as fs from 'node:fs';
import * as path from 'node:path';
import { type EcrEmulator, TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { type HelperResult, runHelper, startHelper } from './run-helper';
import { makeTempDir } from './temp-dir';

/*
 * Many helper processes at once, some killed: cold gets over `registries` registries and 3
 * identities (profiles that sign with the same key but are different identities to the
 * cache), a fifth of them SIGKILLed at random moments; then the same gets again.
 */

export interface LoadScenario {
  readonly processes: number;
  readonly registries: number;
  /** Added to every process's environment (e.g. the keychain backend and its D-Bus session). */
  readonly env?: Record<string, string>;
}

export interface LoadOutcome {
  readonly first: { readonly i: number; readonly out: HelperResult }[];
  readonly killed: number;
  /** `profile host` pairs a process got a token for in the first round. */
  readonly served: ReadonlySet<string>;
  /** Served pairs `list` does not show afterwards (must be none). */
  readonly missing: readonly string[];
  /**
   * The first round's log lines that say a token was not cached: a writer that waited 15 s
   * for the cache write lock answers without caching (by design), which leaves its pair
   * missing. On a machine too slow for the scenario that is the reason, not a lost write.
   */
  readonly notCached: readonly string[];
  readonly second: readonly HelperResult[];
  /** Distinct pairs never served in the first round. */
  readonly neverServed: number;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export async function runLoadScenario(emulator: EcrEmulator, scenario: LoadScenario): Promise<LoadOutcome> {
  const registryOf = (i: number) => `2100000000${String(i % scenario.registries).padStart(2, '0')}.dkr.ecr.us-east-1.amazonaws.com`;
  const profileOf = (i: number) => `p${i % 3}`;
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.aws'));
  const { accessKeyId, secretAccessKey } = TEST_CREDENTIALS.allowed;
  fs.writeFileSync(
    path.join(home, '.aws', 'credentials'),
    ['p0', 'p1', 'p2'].map((p) => `[${p}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`).join(''),
  );
  const base = { HOME: home, AWS_ENDPOINT_URL_ECR: emulator.url, AWS_EC2_METADATA_DISABLED: 'true', ...scenario.env };
  const envOf = (i: number) => ({ ...base, AWS_PROFILE: profileOf(i) });
  const next = random(20261130);

  const indices = Array.from({ length: scenario.processes }, (_, i) => i);
  // One process after another, letting each one's request reach its stdin before the next
  // spawn: a hundred spawns in one synchronous loop hold every write back until the loop ends,
  // which on a loaded machine can outlast a child's 10 s wait for its request.
  const runs: { i: number; run: ReturnType<typeof startHelper> }[] = [];
  for (const i of indices) {
    const run = startHelper(['get'], registryOf(i), envOf(i));
    // A fifth are killed at a random moment of their first 600 ms.
    if (next() < 0.2) setTimeout(() => run.child.kill('SIGKILL'), Math.floor(next() * 600));
    runs.push({ i, run });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const first = await Promise.all(runs.map(async ({ i, run }) => ({ i, out: await run.result })));
  const served = new Set(first.filter(({ out }) => out.code === 0).map(({ i }) => `${profileOf(i)} ${registryOf(i)}`));

  const missing: string[] = [];
  for (const profile of ['p0', 'p1', 'p2']) {
    const listed = await runHelper(['list'], '', { ...base, AWS_PROFILE: profile });
    const hosts = new Set(Object.keys(JSON.parse(listed.stdout)).map((url) => url.replace('https://', '')));
    for (const pair of served) if (pair.startsWith(`${profile} `) && !hosts.has(pair.split(' ')[1] ?? '')) missing.push(pair);
  }

  const logFile = path.join(home, '.ecr', 'log', 'ecr-login.log');
  const notCached = (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '')
    .split('\n')
    .filter((line) => line.includes('not caching the token'));

  const pairs = new Set(indices.map((i) => `${profileOf(i)} ${registryOf(i)}`));
  emulator.calls.length = 0;
  emulator.faults.delayMs = 0;
  const secondRuns: Promise<HelperResult>[] = [];
  for (const i of indices) {
    secondRuns.push(startHelper(['get'], registryOf(i), envOf(i)).result);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const second = await Promise.all(secondRuns);
  return {
    first,
    killed: first.filter(({ out }) => out.signal === 'SIGKILL').length,
    served,
    missing,
    notCached,
    second,
    neverServed: [...pairs].filter((pair) => !served.has(pair)).length,
  };
}
