import { type ChildProcess, spawn } from 'node:child_process';
import { type ProgramResult, runProgram } from '../program-runs';

/**
 * A private network and mount namespace (`unshare --mount --net`, root only) that the
 * end-to-end tests run real clients and servers in. Only `lo` is up in it, so every name in
 * its private /etc/hosts (bind-mounted over the machine's, which stays untouched) is served
 * by a process of the test's, and nothing can reach the internet. A holder process keeps the
 * namespace alive; everything else enters it with `nsenter`. Every process started here gets
 * SIGKILL if the test process dies (`setpriv --pdeathsig`), and close() ends them all.
 */
export interface Namespace {
  /** The holder's pid: `nsenter -t <pid> -m -n` enters the namespace. */
  readonly pid: number;
  /** Runs a command inside to completion; killed (and `timedOut`) after `timeoutMs`. */
  run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult>;
  /** Starts a server inside; `ready` resolves when `readyWhen` matches its output. */
  startServer(name: string, command: string, args: readonly string[], options: ServerOptions): Promise<Server>;
  /** Ends every server (SIGTERM, then SIGKILL), then the holder. */
  close(): Promise<void>;
}

export interface RunOptions {
  readonly env: Record<string, string>;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export type RunResult = ProgramResult;

export interface ServerOptions {
  readonly env: Record<string, string>;
  /** A line of its stdout or stderr that says it is listening. */
  readonly readyWhen: RegExp;
  readonly timeoutMs: number;
}

export interface Server {
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
}

/** A bind mount the namespace gets: `source` (a file of the test's) over `target`. */
export interface BindMount {
  readonly source: string;
  readonly target: string;
}

const HOLDER_LIFETIME_SECONDS = 300;

function enter(pid: number, command: string, args: readonly string[]): string[] {
  return ['-t', String(pid), '--mount', '--net', '--', 'setpriv', '--pdeathsig', 'KILL', '--', command, ...args];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Ends `child`: SIGTERM, and SIGKILL if it is still there after `graceMs`. */
async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/**
 * Creates the namespace: `lo` up, each of `binds` mounted, each of `readOnly` made read-only
 * (so that clients which keep state under /var/lib write nothing to the machine).
 */
export async function startNamespace(setup: {
  readonly binds: readonly BindMount[];
  readonly readOnly: readonly string[];
  readonly timeoutMs: number;
}): Promise<Namespace> {
  // Paths reach the script as positional parameters, never spliced into its text.
  const args: string[] = [];
  const lines = ['set -e', 'ip link set lo up'];
  for (const { source, target } of setup.binds) {
    lines.push(`mount --bind "$${args.length + 1}" "$${args.length + 2}"`);
    args.push(source, target);
  }
  for (const dir of setup.readOnly) {
    lines.push(`mount --bind "$${args.length + 1}" "$${args.length + 1}"`, `mount -o remount,bind,ro "$${args.length + 1}"`);
    args.push(dir);
  }
  // The holder lives at most this long even if nobody ends it.
  lines.push('echo ready', `exec sleep ${HOLDER_LIFETIME_SECONDS}`);
  const holder = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      '--',
      'unshare',
      '--mount',
      '--net',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      lines.join('\n'),
      'sh',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const servers: Server[] = [];
  let holderOutput = '';
  holder.stderr?.on('data', (d: Buffer) => (holderOutput += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      holder.kill('SIGKILL');
      reject(new Error(`the namespace was not ready after ${setup.timeoutMs} ms: ${holderOutput}`));
    }, setup.timeoutMs);
    holder.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    holder.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the namespace holder exited (${code ?? signal}) before it was ready: ${holderOutput.trim()}`));
    });
    holder.once('error', reject);
  });
  const pid = holder.pid;
  if (pid === undefined) throw new Error('the namespace holder has no pid');

  return {
    pid,

    run(command, args, options) {
      // Recorded as the command it runs inside, not as nsenter.
      return runProgram('nsenter', enter(pid, command, args), {
        env: options.env,
        ...(options.input === undefined ? {} : { input: options.input }),
        timeoutMs: options.timeoutMs ?? 20_000,
        shownAs: [command, ...args],
      });
    },

    async startServer(name, command, args, options) {
      const child = spawn('nsenter', enter(pid, command, args), { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const server: Server = { child, output: () => output };
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} did not start within ${options.timeoutMs} ms; it printed:\n${output}`)),
          options.timeoutMs,
        );
        const onData = (d: Buffer): void => {
          output += d.toString();
          if (options.readyWhen.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) before it was ready; it printed:\n${output}`));
        });
        child.once('error', reject);
      });
      return server;
    },

    async close() {
      await Promise.all(servers.map((s) => stop(s.child, 3000)));
      await stop(holder, 1000);
    },
  };
}
