import { join } from 'node:path';
import type { TokenSource } from './aws/token-source';
import type { CommandContext } from './cli/command-context';
import { keychainBudgetOf } from './cli/keychain-budget';
import { runCli, selectProtocol } from './cli/run-cli';
import { parseConfig } from './config';
import { CommandTimeoutError, CredentialsNotFoundError, HelperError } from './errors';
import type { Keychain } from './keychain/os-keychain';
import { createLogger, type Logger } from './log';
import { INPUT_DEADLINE_MS, type InputStream, readInput } from './protocol/docker/read-input';
import type { RetrySettings } from './retry-settings';
import type { FsPlatform } from './safe-fs/fs-platform';
import { escapeControls } from './safe-text/format-line';
import { redact } from './safe-text/redact';
import { createServices } from './services';

export interface Io {
  /** Standard input; what is already there is read without waiting where the entry can (`readAvailable`). */
  readonly stdin: InputStream;
  /** `isTerminal`: whether stdout is a terminal; called only by the commands that care. */
  readonly stdout: { write(chunk: string): unknown; isTerminal?: () => boolean };
  readonly stderr: { write(chunk: string): unknown };
}

/** What the entry point hands in: the process's environment and the real parts (tests: fakes). */
export interface MainDeps {
  readonly env: NodeJS.ProcessEnv;
  /** The file name the program was started under (`ecr-credential-provider` selects kubelet mode). */
  readonly programName: string;
  /** This process's facts: its platform, its user's uid (POSIX), its id (on log lines). */
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
  /**
   * The file system rules of that platform and user (`describeFsPlatform`): whose the cache,
   * lock, log and settings files must be, and how they are opened.
   */
  readonly fsPlatform: FsPlatform;
  readonly pid?: number;
  /** The program's own file, when known (`configure` and `doctor` name its directory). */
  readonly programFile?: string;
  /** The home the AWS SDK reads `~/.aws` from (entry/resolve-home-dir.ts). */
  readonly homeDir: string;
  /** The home docker and podman use, where the docker config and the token cache are; `homeDir` if not given. */
  readonly userHomeDir?: string;
  readonly version: string;
  readonly now: () => number;
  /**
   * Makes the OS keychain, whose calls may take at most `timeoutMs`, and whose items hold at
   * most `maxItemBytes` when given (`AWS_ECR_KEYCHAIN_ITEM_BYTES`; it only lowers the
   * platform's limit). Tests: a fake (which ignores them).
   */
  readonly createKeychain: (options: { timeoutMs: number; scratchDir: string | undefined; maxItemBytes: number | undefined }) => Keychain;
  /** Builds the token source on a cache miss, with the retry settings the environment gives. */
  readonly loadTokenSource: (logger: Logger, retry: RetrySettings) => Promise<TokenSource>;
  /**
   * Starts this program, detached, as the background refresher of `target`
   * (protocol/refresh); false when it could not. Tests: a fake, or nothing (no background refresh).
   */
  readonly startRefresher?: (target: string) => boolean;
  /**
   * Called when the command deadline passed with work still running: the answer has been
   * given up on it, and the process must not wait for that work to end before exiting.
   */
  readonly onAbandoned?: () => void;
}

const KEYCHAIN_TIMEOUT_MS = 15_000;

/**
 * Runs the helper for one invocation and returns the exit code. The only place where errors
 * become exit codes. Docker protocol: a `HelperError` prints its protocol message on stdout
 * (clients read only that) and its hint on stderr. Kubelet protocol and plain commands
 * (`kubelet-config`, whose stdout may be redirected into a file): one line on stderr,
 * nothing on stdout. Anything unexpected is one line, never a stack trace.
 */
export async function run(argv: readonly string[], io: Io, deps: MainDeps): Promise<number> {
  const protocol = selectProtocol(deps.programName, argv);
  const config = parseConfig(deps.env, deps.homeDir, deps.userHomeDir ?? deps.homeDir);
  const prefix = protocol === 'kubelet' ? 'ecr-credential-provider' : 'ecr-login';
  // kubelet puts all of a failed plugin's stderr into the pull error: there, only the failure
  // speaks. A refresher's stderr leads nowhere: its log is what it says.
  const tellToStderr = protocol !== 'kubelet' && protocol !== 'refresh';
  const logger = createLogger({
    file: config.logFile,
    dir: config.cacheDir,
    level: config.logLevel,
    fsPlatform: deps.fsPlatform,
    stderr: io.stderr,
    prefix,
    tellToStderr,
    ...(deps.pid === undefined ? {} : { pid: deps.pid }),
  });
  for (const warning of config.warnings) logger.tell(warning);
  // A keychain call (an unlock prompt included) gets at most 15 s, and always less than the
  // command. `doctor` runs its network checks first (each up to a quarter of the command's
  // time): a keychain that never answers gets an eighth, so the report still comes in time.
  const keychainBudgetMs = keychainBudgetOf(argv[0], config.commandTimeoutMs);
  const keychain = deps.createKeychain({
    timeoutMs: Math.min(KEYCHAIN_TIMEOUT_MS, Math.max(500, keychainBudgetMs)),
    // A private directory of the user's for what the keychain process must unpack (os-keychain.ts).
    scratchDir: config.cacheDir === undefined ? undefined : join(config.cacheDir, 'native'),
    maxItemBytes: config.keychainItemBytes,
  });
  const services = createServices({
    config,
    logger,
    now: deps.now,
    fsPlatform: deps.fsPlatform,
    keychain,
    loadTokenSource: deps.loadTokenSource,
    // A refresher never starts another.
    ...(deps.startRefresher && protocol !== 'refresh' ? { startRefresher: deps.startRefresher } : {}),
  });
  let stdout = '';
  const ctx: CommandContext = {
    services,
    // Stdin's own deadline ends before the command's, so that a silent client hears why.
    readInput: (options) =>
      readInput(io.stdin, { ...options, deadlineMs: Math.min(INPUT_DEADLINE_MS, Math.max(500, config.commandTimeoutMs - 1000)) }),
    output: (text) => {
      stdout += text;
    },
    version: deps.version,
    programFile: deps.programFile,
    platform: deps.platform,
    uid: deps.uid,
    env: deps.env,
    ...(io.stdout.isTerminal ? { isTerminal: io.stdout.isTerminal } : {}),
  };

  const deadline = startCommandDeadline(config.commandTimeoutMs, deps.onAbandoned);
  try {
    await Promise.race([runCli(argv, protocol, ctx), deadline.timedOut]);
    io.stdout.write(stdout);
    return 0;
  } catch (error) {
    const helperError = error instanceof HelperError ? error : unexpected(error, argv, logger);
    logger.debug(`${protocol} ${argv[0] ?? ''} failed: ${helperError.code}: ${helperError.message}`);
    if (protocol !== 'docker') {
      // A command's report written before it failed (`doctor`'s) is still the answer.
      if (protocol === 'command') io.stdout.write(stdout);
      logger.fail(helperError.hint ?? helperError.message);
      return helperError.exitCode;
    }
    if (helperError.hint) logger.tell(helperError.hint);
    // Usage errors quote argv, keychain errors the server URL: masked and escaped like the
    // log (docker shows this text on the terminal), line by line (usage text has several).
    io.stdout.write(`${redact(helperError.protocolMessage).split('\n').map(escapeControls).join('\n')}\n`);
    return helperError.exitCode;
  } finally {
    clearTimeout(deadline.timer);
  }
}

/**
 * The command deadline: `timedOut` rejects with a `CommandTimeoutError` once `timeoutMs` has
 * passed, after telling `onAbandoned` that the work still running is given up on.
 */
function startCommandDeadline(
  timeoutMs: number,
  onAbandoned: (() => void) | undefined,
): { readonly timedOut: Promise<never>; readonly timer: NodeJS.Timeout } {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = timeoutMs / 1000;
      const message = `gave up after ${seconds} s without an answer (AWS_ECR_COMMAND_TIMEOUT=${seconds}); details in the log`;
      onAbandoned?.();
      reject(new CommandTimeoutError(message, message));
    }, timeoutMs);
  });
  return { timedOut, timer: timer as NodeJS.Timeout };
}

/** A bug or an environment we did not foresee: one logged line, a safe protocol answer. */
function unexpected(error: unknown, argv: readonly string[], logger: Logger): HelperError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  logger.error(`unexpected error in ${argv[0] ?? '(no action)'}: ${detail}\n${error instanceof Error ? (error.stack ?? '') : ''}`);
  // For `get`, not-found lets the client carry on anonymously instead of failing hard.
  return new CredentialsNotFoundError(`unexpected error: ${redact(detail).replace(/\s+/g, ' ')} (details in the log)`);
}
