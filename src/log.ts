/**
 * The logger: levels, the log file (private directory, rotation, one line per message) and the
 * lines told to the user on stderr. What a line may show is safe-text/'s.
 */
import { lstatSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from './config';
import type { FsPlatform } from './safe-fs/fs-platform';
import { ensurePrivateDirectory, UnsafePathError } from './safe-fs/private-directories';
import { appendOwnFile } from './safe-fs/write-files';
import { formatLine } from './safe-text/format-line';

/**
 * Where diagnostics go: the log file (details) and, through `tell`, one line on stderr for
 * the person at the terminal. Never stdout: stdout is protocol only. Everything passes
 * through `redact` first, so a token cannot reach either.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /**
   * A line for the user on stderr (also logged as a warning). Where the caller reads stderr as
   * the failure message (kubelet), `tellToStderr: false` keeps these in the log only.
   */
  tell(message: string): void;
  /** The one line a failed command leaves on stderr, whatever `tellToStderr` says (also logged). */
  fail(message: string): void;
  /**
   * `tell`, once per process per `key`: a problem several parts of the helper run into (an
   * unsafe cache directory) is one line, not one per part.
   */
  tellOnce(key: string, message: string): void;
  /** A directory the helper refuses to use: said once per directory. */
  tellUnsafe(error: UnsafePathError): void;
  /** Registers a secret so it is masked wherever it would appear later. */
  addSecret(secret: string): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

export interface LoggerOptions {
  /** Log file path; undefined: no file. */
  file?: string | undefined;
  /**
   * The private directory the log lives under (the cache directory), checked before the log's
   * own directory, so that a problem with it is reported once, under its name.
   */
  dir?: string | undefined;
  level: LogLevel;
  /** Whose the log and its directories must be, and how the log is opened (the entry's). */
  fsPlatform: FsPlatform;
  /** Where `tell` writes. */
  stderr: { write(chunk: string): unknown };
  /** This process's id, on every log line (the log is shared by concurrent processes). */
  pid?: number;
  /** Starts every `tell` line: the name the user knows the program by (default `ecr-login`). */
  prefix?: string;
  /** false: `tell` goes to the log only (default true). */
  tellToStderr?: boolean;
  /** Rotate the log to `<file>.1` when it grows past this many bytes. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024;

/** Creates the logger. The file is opened lazily, so a quiet run touches no log. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets: string[] = [];
  const minLevel = LEVEL_ORDER[options.level];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let fileBroken = false;

  const writeFile = (level: LogLevel, message: string): void => {
    const file = options.file;
    if (!file || fileBroken || LEVEL_ORDER[level] < minLevel) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} pid=${options.pid ?? 0} ${formatLine(message, secrets)}\n`;
    try {
      if (options.dir !== undefined) ensurePrivateDirectory(options.dir, options.fsPlatform);
      ensurePrivateDirectory(dirname(file), options.fsPlatform);
      try {
        if (lstatSync(file).size + line.length > maxBytes) renameSync(file, `${file}.1`);
      } catch {
        // no file yet
      }
      appendOwnFile(file, line, options.fsPlatform);
    } catch (error) {
      // Logging must never break a credential lookup: a read-only home, or a log path that
      // is a symlink or a FIFO, still gets tokens (without a log).
      fileBroken = true;
      if (error instanceof UnsafePathError) logger.tellUnsafe(error);
    }
  };

  const toStderr = (message: string): void => {
    options.stderr.write(`${options.prefix ?? 'ecr-login'}: ${formatLine(message, secrets)}\n`);
  };

  const told = createOnce();
  const logger: Logger = {
    debug: (m) => writeFile('debug', m),
    info: (m) => writeFile('info', m),
    warn: (m) => writeFile('warn', m),
    error: (m) => writeFile('error', m),
    tell(message) {
      if (options.tellToStderr !== false) toStderr(message);
      writeFile('warn', message);
    },
    fail(message) {
      toStderr(message);
      writeFile('error', message);
    },
    tellOnce(key, message) {
      if (told(key)) logger.tell(message);
    },
    tellUnsafe(error) {
      logger.tellOnce(`unsafe:${error.path}`, `not using ${error.path} for the token cache, locks or log: it ${error.why}`);
    },
    addSecret(secret) {
      if (secret) secrets.push(secret);
    },
  };
  return logger;
}

/**
 * A per-process memory of what has been said: `once(key)` is true the first time only.
 * Stores use it so that a broken cache or keychain is one warning, not one per call.
 */
export function createOnce(): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}
