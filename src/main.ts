import type { TokenSource } from './aws/token-source';
import { resolveIdentityMaterial } from './aws/identity-fingerprint';
import type { CommandContext } from './cli/command-context';
import { runProgram } from './cli/program';
import { parseConfig } from './config';
import { CredentialsNotFoundError, HelperError } from './errors';
import { createLogger, type Logger, redact } from './log';
import { readInput } from './protocol/docker/read-input';
import type { HelperServices } from './resolver/helper-services';
import { createCredentialStore } from './store/credential-store';
import { createOsKeychain, type Keychain } from './store/keychain';
import { sleepFor } from './resolver/with-lock';
import { selectStore } from './store/select-store';

export interface Io {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

export interface MainDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  readonly version: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The OS keychain; tests pass a fake. */
  readonly keychain?: Keychain;
  /** Builds the token source on a cache miss; the default lazy-loads the AWS SDK. */
  readonly loadTokenSource?: (logger: Logger) => Promise<TokenSource>;
}

/** Loads the AWS SDK only now: a cache hit never gets here. */
async function loadAwsTokenSource(logger: Logger): Promise<TokenSource> {
  const { createEcrTokenSource } = await import('./aws/create-ecr-token-source');
  return createEcrTokenSource({ logger });
}

/**
 * Runs the helper for one invocation and returns the exit code. The only place where errors
 * become exit codes: a `HelperError` prints its protocol message on stdout and its hint on
 * stderr; anything unexpected prints one line, never a stack trace.
 */
export async function run(argv: readonly string[], io: Io, deps: MainDeps): Promise<number> {
  const config = parseConfig(deps.env, deps.homeDir);
  const logger = createLogger({ file: config.logFile, level: config.logLevel, stderr: io.stderr });
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? sleepFor;
  const keychain = deps.keychain ?? createOsKeychain();
  let identity: string | undefined;
  for (const warning of config.warnings) logger.tell(warning);
  const services: HelperServices = {
    config,
    logger,
    now,
    sleep,
    ...selectStore({ config, logger, now, sleep, keychain }),
    credentials: createCredentialStore(keychain),
    identity: () => (identity ??= resolveIdentityMaterial(config.identityEnv, config.homeDir)),
    loadTokenSource: () => (deps.loadTokenSource ?? loadAwsTokenSource)(logger),
  };
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
    await runProgram(argv, ctx);
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
  return new CredentialsNotFoundError(`unexpected error: ${redact(detail)} (details in the log)`);
}
