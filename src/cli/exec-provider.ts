import { spawn } from 'node:child_process';

/** How a program run ended: its exit (code or signal) and what it wrote, or why it did not run or finish. */
export type ProgramRun =
  | {
      readonly status: 'exited';
      readonly code: number | null;
      readonly signal: string | null;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly status: 'timed-out'; readonly stderr: string }
  | { readonly status: 'not-started'; readonly reason: string };

/** Runs `file` with `args` and `env`, writes `stdin` to it, and waits at most `timeoutMs`. */
export type RunProgram = (
  file: string,
  args: readonly string[],
  options: { readonly env: Readonly<Record<string, string>>; readonly stdin: string; readonly timeoutMs: number },
) => Promise<ProgramRun>;

/** More than any credential provider answer (an ECR password is ~2 KB); the rest is dropped. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Runs a program the way kubelet runs a credential provider (Go's exec.CommandContext): the
 * environment given and nothing else, the request on stdin, stdout and stderr collected, and
 * SIGKILL when the deadline passes.
 */
export const runProgram: RunProgram = (file, args, { env, stdin, timeoutMs }) =>
  new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, [...args], { env: { ...env }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      resolve({ status: 'not-started', reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      if (chunks.reduce((n, c) => n + c.length, 0) < MAX_OUTPUT_BYTES) chunks.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    // A provider that exits without reading its request closes the pipe under us: not an error of ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'not-started', reason: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) resolve({ status: 'timed-out', stderr });
      else resolve({ status: 'exited', code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
