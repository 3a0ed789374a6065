import type { TokenSource } from './aws/token-source';
import type { CommandContext } from './cli/command-context';
import { runCli } from './cli/run-cli';
import { parseConfig } from './config';
import { CredentialsNotFoundError, HelperError } from './errors';
import type { Keychain } from './keychain/os-keychain';
import { createLogger, type Logger, redact } from './log';
import { readInput } from './protocol/docker/read-input';
import { createServices } from './services';

export interface Io {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

/** What the entry point hands in: the process's environment and the real parts (tests: fakes). */
export interface MainDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  readonly version: string;
  readonly now: () => number;
  /** The OS keychain. */
  readonly keychain: Keychain;
  /** Builds the token source on a cache miss. */
  readonly loadTokenSource: (logger: Logger) => Promise<TokenSource>;
}

/**
 * Runs the helper for one invocation and returns the exit code. The only place where errors
 * become exit codes: a `HelperError` prints its protocol message on stdout and its hint on
 * stderr; anything unexpected prints one line, never a stack trace.
 */
export async function run(argv: readonly string[], io: Io, deps: MainDeps): Promise<number> {
  const config = parseConfig(deps.env, deps.homeDir);
  const logger = createLogger({ file: config.logFile, level: config.logLevel, stderr: io.stderr });
  for (const warning of config.warnings) logger.tell(warning);
  const services = createServices({ config, logger, now: deps.now, keychain: deps.keychain, loadTokenSource: deps.loadTokenSource });
  let stdout = '';
  const ctx: CommandContext = {
    services,
    readInput: () => readInput(io.stdin),
    output: (text) => {
      stdout += text;
    },
    version: deps.version,
  };

  try {
    await runCli(argv, ctx);
    io.stdout.write(stdout);
    return 0;
  } catch (error) {
    const helperError = error instanceof HelperError ? error : unexpected(error, argv, logger);
    if (helperError.hint) logger.tell(helperError.hint);
    logger.debug(`${argv[0] ?? ''} failed: ${helperError.code}: ${helperError.message}`);
    io.stdout.write(`${helperError.protocolMessage}\n`);
    return helperError.exitCode;
  }
}

/** A bug or an environment we did not foresee: one logged line, a safe protocol answer. */
function unexpected(error: unknown, argv: readonly string[], logger: Logger): HelperError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  logger.error(`unexpected error in ${argv[0] ?? '(no action)'}: ${detail}\n${error instanceof Error ? (error.stack ?? '') : ''}`);
  // For `get`, not-found lets the client carry on anonymously instead of failing hard.
  return new CredentialsNotFoundError(`unexpected error: ${redact(detail).replace(/\s+/g, ' ')} (details in the log)`);
}
