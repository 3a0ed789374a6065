import { type SpawnOptions, type SpawnSyncOptions, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';

/**
 * What the programs a test ran said, for its failure message: every helper that starts a
 * program (the helper under test, a client, npm, a namespace's clients) records each run
 * here, and the suite's test environment (helpers/jest-environment.ts) adds the last ones to a
 * failed test's errors. So a failure shows the program's stderr and the start of its stdout
 * even where the assertion itself only compared an exit code.
 */
export interface ProgramRun {
  /** The command as run: the program and its arguments. */
  readonly command: readonly string[];
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Anything else worth saying (`timed out after 20000 ms`). */
  readonly note?: string | undefined;
}

/** Where the runs of the current test are kept: a global of the test file's sandbox, which the environment reads. */
export const PROGRAM_RUNS_KEY = '__ecrLoginProgramRuns';
/** How many runs are kept (and shown): the last ones are the ones that explain a failure. */
const KEPT = 4;
const STDERR_SHOWN = 4000;
const STDOUT_SHOWN = 800;

/** The current test's runs: the last few, and how many there were. */
export interface ProgramRuns {
  readonly runs: ProgramRun[];
  total: number;
}

type Holder = { [PROGRAM_RUNS_KEY]?: ProgramRuns };

/** Records one finished run of a program for the current test. */
export function recordProgramRun(run: ProgramRun): void {
  const holder = globalThis as Holder;
  const log = holder[PROGRAM_RUNS_KEY] ?? { runs: [], total: 0 };
  holder[PROGRAM_RUNS_KEY] = log;
  log.runs.push(run);
  log.total += 1;
  if (log.runs.length > KEPT) log.runs.splice(0, log.runs.length - KEPT);
}

/** An argument as a shell would need it, so that the line can be run again by hand. */
function quoted(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function indent(text: string): string {
  return text.replace(/\n$/, '').replace(/^/gm, '    ');
}

function shown(text: string, limit: number, fromEnd: boolean): { text: string; cut: string } {
  if (text.length <= limit) return { text, cut: '' };
  const part = fromEnd ? text.slice(-limit) : text.slice(0, limit);
  return { text: part, cut: ` (${fromEnd ? 'last' : 'first'} ${limit} of ${text.length} characters)` };
}

/** The runs as the failure message shows them, newest last. */
export function formatProgramRuns({ runs, total }: ProgramRuns): string {
  const lines = [`Programs this test ran${total > runs.length ? ` (the last ${runs.length} of ${total})` : ''}, newest last:`];
  for (const run of runs) {
    const ended = run.signal ? `killed by ${run.signal}` : `exit ${run.code}`;
    lines.push(`$ ${run.command.map(quoted).join(' ')}  -> ${ended}${run.note ? `, ${run.note}` : ''}`);
    const stderr = shown(run.stderr, STDERR_SHOWN, true);
    lines.push(run.stderr === '' ? '  stderr: (empty)' : `  stderr${stderr.cut}:\n${indent(stderr.text)}`);
    const stdout = shown(run.stdout, STDOUT_SHOWN, false);
    lines.push(run.stdout === '' ? '  stdout: (empty)' : `  stdout${stdout.cut}:\n${indent(stdout.text)}`);
  }
  return lines.join('\n');
}

/**
 * `spawnSync` with text output, recorded for the failure message. Use it for every program a
 * test runs to completion synchronously.
 */
export function runProgramSync(
  file: string,
  args: readonly string[],
  options: Omit<SpawnSyncOptions, 'encoding'> = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(file, args, { ...options, encoding: 'utf8' });
  recordProgramRun({
    command: [file, ...args],
    code: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    note: result.error ? String(result.error.message) : undefined,
  });
  return result;
}

/** What `runProgram` gives back. */
export interface ProgramResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs a program to completion without blocking this process (a server of the test's keeps
 * answering meanwhile), killed after `timeoutMs`; recorded for the failure message.
 */
export function runProgram(
  file: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio'> & {
    readonly input?: string;
    readonly timeoutMs: number;
    /** The command as the failure message shows it (a wrapper's inner command), if not `file` and `args`. */
    readonly shownAs?: readonly string[];
  },
): Promise<ProgramResult> {
  const { input, timeoutMs, shownAs, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const note = timedOut ? `killed after ${timeoutMs} ms` : undefined;
      recordProgramRun({ command: shownAs ?? [file, ...args], code, signal, stdout, stderr, note });
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
