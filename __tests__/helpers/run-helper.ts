import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const HELPER_BIN = path.resolve(__dirname, '../../bin/docker-credential-ecr-login');

export interface HelperResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs the built helper as a real child process (asynchronously, so an emulator running in
 * the test process keeps answering). The environment is exactly `env` plus PATH: nothing
 * from the developer's machine (no ~/.aws) leaks in.
 */
export function runHelper(args: readonly string[], input: string | Buffer, env: Record<string, string>): Promise<HelperResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HELPER_BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
