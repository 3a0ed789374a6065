import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeOnUnix } from '../helpers/platform';
import { dirWithHelper, runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * `configure` (the built helper) against another program rewriting the docker config at the
 * same time (helpers/config-writer.js): in place (truncate, pause, write), as editors, scripts
 * and some tools do, and by an atomic rename, as `docker login` does. Whatever the timing, the
 * user's other keys survive, or configure refuses with one line and writes nothing.
 */

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const WRITER = path.resolve(__dirname, '../helpers/config-writer.js');
const ORIGINAL = fs.readFileSync(path.resolve(__dirname, '../fixtures/configure/ci-runner-linux.json'), 'utf8');
/** The user's keys that must never be lost. */
const KEYS = Object.keys(JSON.parse(ORIGINAL) as object);

interface Scenario {
  readonly mode: 'in-place' | 'atomic';
  /** How long an in-place writer keeps the file empty. */
  readonly pauseMs: number;
  /** How long the file stays complete between two rewrites. */
  readonly gapMs: number;
  readonly runs: number;
}

/** What one race left: what configure said, and the files. */
interface Outcome {
  readonly scenario: string;
  /** The file stayed whole for 100 ms or more between rewrites: configure has time to write. */
  readonly calm: boolean;
  readonly code: number | null;
  readonly stderr: string;
  /** The docker config raced over. */
  readonly config: string;
  readonly lost: readonly string[];
  readonly backup: string | undefined;
}

function keysLostFrom(text: string | undefined): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    return [...KEYS];
  }
  const present = typeof parsed === 'object' && parsed !== null ? Object.keys(parsed) : [];
  return KEYS.filter((key) => !present.includes(key));
}

/** Starts the writer on `file` and resolves as it starts its first cycle; `stop` ends it after its current one. */
async function startWriter(file: string, scenario: Scenario): Promise<{ stop: () => Promise<string> }> {
  const child = spawn(process.execPath, [WRITER, file, scenario.mode, String(scenario.pauseMs), String(scenario.gapMs)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.startsWith('ready\n')) resolve();
    });
    closed.then(() => reject(new Error(`the writer ended before it started: ${stderr}`)));
  });
  return {
    stop: async () => {
      child.stdin.end();
      const code = await closed;
      if (code !== 0) throw new Error(`the writer failed (${code}): ${stderr}`);
      return stdout;
    },
  };
}

async function race(scenario: Scenario): Promise<Outcome> {
  const dockerConfig = makeTempDir();
  const config = path.join(dockerConfig, 'config.json');
  fs.writeFileSync(config, ORIGINAL, { mode: 0o600 });
  const writer = await startWriter(config, scenario);
  const result = await runHelper(['configure', '--registry', ECR], '', {
    HOME: makeTempDir(),
    DOCKER_CONFIG: dockerConfig,
    PATH: testPath(dirWithHelper()),
  });
  await writer.stop();
  const backupFile = `${config}.bak`;
  return {
    scenario: `${scenario.mode}, pause ${scenario.pauseMs} ms, gap ${scenario.gapMs} ms`,
    calm: scenario.gapMs >= 100,
    code: result.code,
    stderr: result.stderr,
    config,
    lost: keysLostFrom(fs.readFileSync(config, 'utf8')),
    backup: fs.existsSync(backupFile) ? fs.readFileSync(backupFile, 'utf8') : undefined,
  };
}

/** Runs every race, `parallel` at a time. */
async function raceAll(scenarios: readonly Scenario[], parallel: number): Promise<Outcome[]> {
  const queue = scenarios.flatMap((scenario) => Array.from({ length: scenario.runs }, () => scenario));
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) outcomes.push(await race(next));
    }),
  );
  return outcomes;
}

/** The lines configure may refuse with when it cannot get the file whole and unchanged. */
function refusalsOf(config: string): string[] {
  return [
    `ecr-login: not changing ${config}: it is empty, and stayed so for 3 s (another program may be rewriting it); nothing written: run configure again, or remove the file if it is meant to be empty\n`,
    `ecr-login: not changing ${config}: it changed each time configure read it (5 times; another program is writing it); nothing written: run configure again\n`,
  ];
}

/** What is wrong with an outcome: nothing when every key survived and configure either wrote or refused in one line. */
function problemsOf(outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.lost.length > 0) problems.push(`lost ${outcome.lost.join(', ')}`);
  if (outcome.code === 0 && outcome.stderr !== '') problems.push(`exit 0 with stderr ${JSON.stringify(outcome.stderr)}`);
  if (outcome.code !== 0 && !(outcome.code === 1 && refusalsOf(outcome.config).includes(outcome.stderr)))
    problems.push(`exit ${outcome.code} with stderr ${JSON.stringify(outcome.stderr)}`);
  // The backup is the file as configure read it: a whole document, never a truncated one.
  if (outcome.backup !== undefined && keysLostFrom(outcome.backup).length > 0) problems.push(`a backup of ${outcome.backup.length} bytes`);
  return problems;
}

describeOnUnix('configure racing another writer of the docker config', 'a writer holding the file open while it is renamed over', () => {
  it('in place (truncate, pause, write), 30 runs from a 1.5 s pause to a writer every ~3 ms: no key is ever lost', async () => {
    const outcomes = await raceAll(
      [
        { mode: 'in-place', pauseMs: 1500, gapMs: 300, runs: 3 },
        { mode: 'in-place', pauseMs: 300, gapMs: 100, runs: 3 },
        { mode: 'in-place', pauseMs: 50, gapMs: 20, runs: 6 },
        { mode: 'in-place', pauseMs: 10, gapMs: 5, runs: 6 },
        { mode: 'in-place', pauseMs: 2, gapMs: 1, runs: 9 },
        // Empty nearly all the time: configure mostly waits its 3 s and refuses.
        { mode: 'in-place', pauseMs: 1, gapMs: 0, runs: 3 },
      ],
      3,
    );
    expect(outcomes.flatMap((o) => problemsOf(o).map((p) => `${o.scenario}: ${p}`))).toEqual([]);
    // Not a test of refusals only: where the file stays whole long enough, configure writes.
    expect(outcomes.filter((o) => o.calm && o.code !== 0)).toEqual([]);
  }, 60_000);

  it('by atomic rename (as docker login writes), 30 runs: no key is ever lost', async () => {
    const outcomes = await raceAll(
      [0, 1, 5, 20, 100].map((gapMs) => ({ mode: 'atomic', pauseMs: 0, gapMs, runs: 6 })),
      3,
    );
    expect(outcomes.flatMap((o) => problemsOf(o).map((p) => `${o.scenario}: ${p}`))).toEqual([]);
    expect(outcomes.filter((o) => o.calm && o.code !== 0)).toEqual([]);
  }, 60_000);
});
