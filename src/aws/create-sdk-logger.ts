import type { Logger } from '../log';
import { sanitizeSdkText } from './sanitize-sdk-text';

/** The logger the AWS SDK is given (its `Logger` interface). */
export interface SdkLogger {
  trace(...parts: unknown[]): void;
  debug(...parts: unknown[]): void;
  info(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  error(...parts: unknown[]): void;
}

/**
 * The SDK's logger, into ours: every line through `sanitizeSdkText` (no credential_process
 * command line or output). `info` is dropped: the SDK logs whole command inputs and outputs
 * there, tokens included. Warnings (such as `Multiple credential sources detected`, several
 * lines long) go to the log at `warnLevel`: `warn` for the token source, `debug` for `doctor`,
 * whose report says what matters itself. Never stderr: the user's terminal gets one line per
 * failure, from the helper.
 */
export function createSdkLogger(logger: Logger, warnLevel: 'warn' | 'debug'): SdkLogger {
  const text = (parts: unknown[]): string =>
    sanitizeSdkText(
      parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? `${p.name}: ${p.message}` : JSON.stringify(p))).join(' '),
    );
  const warn = (...parts: unknown[]): void => logger[warnLevel](`aws-sdk: ${text(parts)}`);
  return {
    trace: () => undefined,
    debug: (...parts: unknown[]) => logger.debug(`aws-sdk: ${text(parts)}`),
    info: () => undefined,
    warn,
    error: warn,
  };
}
