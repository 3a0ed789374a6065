import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export const HELPER_BIN = path.resolve(__dirname, '../../bin/docker-credential-ecr-login');
/** The same program under the name kubelet runs it by. */
export const PROVIDER_BIN = path.resolve(__dirname, '../../bin/ecr-credential-provider');

export interface HelperResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Starts the built helper as a real child process (asynchronously, so an emulator running in
 * the test process keeps answering). The environment is exactly `env` plus PATH: nothing
 * from the developer's machine (no ~/.aws) leaks in.
 */
export function startHelper(
  args: readonly string[],
  input: string | Buffer,
  env: Record<string, string>,
  command: readonly string[] = [process.execPath, HELPER_BIN],
  /** `keepStdinOpen`: write the input but never close stdin, as a client that hangs would. */
  options: { cwd?: string; keepStdinOpen?: boolean } = {},
): { child: ChildProcess; result: Promise<HelperResult> } {
  const started = Date.now();
  const [file = process.execPath, ...prefix] = command;
  const child = spawn(file, [...prefix, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const result = new Promise<HelperResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
  child.stdin?.on('error', () => undefined);
  child.on('exit', () => child.stdin?.destroy());
  if (options.keepStdinOpen) child.stdin?.write(input);
  else child.stdin?.end(input);
  return { child, result };
}

/** Runs the helper to completion. */
export function runHelper(args: readonly string[], input: string | Buffer, env: Record<string, string>): Promise<HelperResult> {
  return startHelper(args, input, env).result;
}

/** Runs the helper as kubelet does: as `ecr-credential-provider`, the request on stdin. */
export function runProvider(args: readonly string[], input: string | Buffer, env: Record<string, string>): Promise<HelperResult> {
  return startHelper(args, input, env, [process.execPath, PROVIDER_BIN]).result;
}
