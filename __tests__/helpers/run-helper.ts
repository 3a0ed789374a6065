import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordProgramRun } from './program-runs';
import { makeTempDir } from './temp-dir';
import { testPath } from './test-path';

/**
 * The build of the helper under test, one switch for every test that starts it:
 * - `node` (the default): the npm package's launchers in `bin/`, run by this Node;
 * - `exe`: the single-file executable, `ECR_LOGIN_TEST_EXE` if set (a release artifact, say),
 *   else `dist/docker-credential-ecr-login` from `npm run package`; `ecr-credential-provider`
 *   must be beside it. Selected by `ECR_LOGIN_TEST_RUNTIME=exe` or by setting
 *   `ECR_LOGIN_TEST_EXE` (`npm run test:exe`).
 */
export const RUNTIME: 'node' | 'exe' = process.env.ECR_LOGIN_TEST_RUNTIME === 'exe' || process.env.ECR_LOGIN_TEST_EXE ? 'exe' : 'node';

const isWindowsHost = process.platform === 'win32';

/** What an executable's file name ends with here: `.exe` on Windows, which starts no other. */
export const EXE_SUFFIX = process.platform === 'win32' ? '.exe' : '';

/**
 * On Windows, the variables a child cannot do without: Winsock fails to start without
 * SystemRoot (every socket, the emulator's included, errors with WSAEPROVIDERFAILEDINIT).
 * Not USERPROFILE or APPDATA: HOME, which tests set, must decide where the helper's files go.
 */
const WINDOWS_ESSENTIALS: Record<string, string> =
  process.platform === 'win32'
    ? Object.fromEntries(
        ['SystemRoot', 'SystemDrive', 'windir'].flatMap((name) => {
          const value = process.env[name];
          return value === undefined ? [] : [[name, value]];
        }),
      )
    : {};

function executablePath(): string {
  const file = path.resolve(process.env.ECR_LOGIN_TEST_EXE || path.join(__dirname, `../../dist/docker-credential-ecr-login${EXE_SUFFIX}`));
  const provider = path.join(path.dirname(file), `ecr-credential-provider${EXE_SUFFIX}`);
  // Fail the test file, never fall back to Node quietly.
  for (const needed of [file, provider]) {
    if (!fs.existsSync(needed)) throw new Error(`ECR_LOGIN_TEST_RUNTIME=exe, but ${needed} does not exist: run \`npm run package\``);
  }
  return file;
}

/** The helper's program file: the launcher in `bin/`, or the executable. */
export const HELPER_BIN = RUNTIME === 'exe' ? executablePath() : path.resolve(__dirname, '../../bin/docker-credential-ecr-login');
/** The same program under the name kubelet runs it by. */
export const PROVIDER_BIN = path.join(path.dirname(HELPER_BIN), `ecr-credential-provider${RUNTIME === 'exe' ? EXE_SUFFIX : ''}`);
/** The command that starts the helper (`startHelper`'s default), and the provider. */
export const HELPER_COMMAND: readonly string[] = RUNTIME === 'exe' ? [HELPER_BIN] : [process.execPath, HELPER_BIN];
export const PROVIDER_COMMAND: readonly string[] = RUNTIME === 'exe' ? [PROVIDER_BIN] : [process.execPath, PROVIDER_BIN];

/**
 * `describe` for tests of the Node entry alone (the `bin/` launchers, which modules the bundle
 * require()s): the Node pass runs them; the executable's pass leaves them out and says why.
 */
export function describeNodeOnly(name: string, why: string, fn: () => void): void {
  if (RUNTIME === 'node') describe(name, fn);
  else leaveToOtherPass(name, `Node entry only: ${why}`);
}

/** `describe` for tests of the executable alone: the executable's pass runs them; the Node pass leaves them out and says why. */
export function describeExeOnly(name: string, fn: () => void): void {
  if (RUNTIME === 'exe') describe(name, fn);
  else leaveToOtherPass(name, 'the single-file executable only: `npm run test:exe` runs it');
}

/**
 * Leaves a block to the other pass of `npm test` and says so on stderr. Nothing is declared,
 * not even as skipped: every test runs in exactly one pass, and neither pass reports skips
 * for what the other runs. (Files that hold nothing else are left out of the pass by
 * jest.config.js, as jest refuses a file without tests.)
 */
function leaveToOtherPass(name: string, why: string): void {
  process.stderr.write(`left to the other pass: "${name}" (${path.basename(expect.getState().testPath ?? '')}): ${why}\n`);
}

/**
 * A directory with the helper in it under the name docker runs, for a PATH: a link to the
 * build under test; on Windows, where docker looks for a PATHEXT extension, the executable as
 * `….exe`, or for the Node entry a `….cmd` that starts it.
 */
export function dirWithHelper(): string {
  const dir = makeTempDir();
  if (process.platform !== 'win32') fs.symlinkSync(HELPER_BIN, path.join(dir, 'docker-credential-ecr-login'));
  else if (RUNTIME === 'exe') fs.copyFileSync(HELPER_BIN, path.join(dir, 'docker-credential-ecr-login.exe'));
  else fs.writeFileSync(path.join(dir, 'docker-credential-ecr-login.cmd'), `@"${process.execPath}" "${HELPER_BIN}" %*\r\n`);
  return dir;
}

/**
 * `HELPER_COMMAND` for a test that runs the helper as another user: a copy of what it runs in
 * a directory every user can read (a checkout under root's 0700 home is not), the Node entry
 * as its launcher and bundle (`bin/`, `dist/*.js`), the executable as itself.
 */
export function helperCommandForAnyUser(): readonly string[] {
  const dir = makeTempDir('ecr-login-any-user-');
  fs.chmodSync(dir, 0o755);
  if (RUNTIME === 'exe') {
    const copy = path.join(dir, path.basename(HELPER_BIN));
    fs.copyFileSync(HELPER_BIN, copy);
    fs.chmodSync(copy, 0o755);
    return [copy];
  }
  const root = path.resolve(path.dirname(HELPER_BIN), '..');
  for (const sub of ['bin', 'dist']) fs.mkdirSync(path.join(dir, sub), { mode: 0o755 });
  for (const file of fs.readdirSync(path.join(root, 'dist')).filter((name) => name.endsWith('.js'))) {
    fs.copyFileSync(path.join(root, 'dist', file), path.join(dir, 'dist', file));
  }
  const launcher = path.join(dir, 'bin', path.basename(HELPER_BIN));
  fs.copyFileSync(HELPER_BIN, launcher);
  for (const sub of ['bin', 'dist']) for (const name of fs.readdirSync(path.join(dir, sub))) fs.chmodSync(path.join(dir, sub, name), 0o755);
  return [process.execPath, launcher];
}

export interface HelperResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Starts the built helper as a real child process (asynchronously, so an emulator running in
 * the test process keeps answering). The environment is exactly `env` plus a PATH of the
 * test's own that holds only `node` (helpers/test-path.ts) unless `env` names one (and on
 * Windows the system variables it cannot run without): nothing from the developer's machine
 * (no ~/.aws, no other docker-credential-ecr-login on PATH) leaks in. The run is recorded for
 * the test's failure message (helpers/program-runs.ts).
 */
export function startHelper(
  args: readonly string[],
  input: string | Buffer,
  env: Record<string, string>,
  command: readonly string[] = HELPER_COMMAND,
  /**
   * `keepStdinOpen`: write the input but never close stdin, as a client that hangs would.
   * `stdinFd`: the child's standard input is this descriptor (a file, a FIFO) instead of the
   * pipe Node makes (a socket pair on Linux, which the helper cannot reopen non-blocking);
   * `input` is then not written.
   */
  options: { cwd?: string; keepStdinOpen?: boolean; stdinFd?: number } = {},
): { child: ChildProcess; result: Promise<HelperResult> } {
  const started = Date.now();
  const [file = process.execPath, ...prefix] = command;
  const child = spawn(file, [...prefix, ...args], {
    // On Windows the helper keeps docker's files and its cache in USERPROFILE (as docker does):
    // a test's HOME is that too unless the test sets USERPROFILE itself.
    env: {
      ...WINDOWS_ESSENTIALS,
      PATH: testPath(),
      ...(isWindowsHost && env.HOME && !env.USERPROFILE ? { USERPROFILE: env.HOME } : {}),
      ...env,
    },
    stdio: [options.stdinFd ?? 'pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const result = new Promise<HelperResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      recordProgramRun({ command: [file, ...prefix, ...args], code, signal, stdout, stderr });
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
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
  return startHelper(args, input, env, PROVIDER_COMMAND).result;
}
