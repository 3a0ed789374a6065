import { lstatSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from './config';
import { appendOwnFile, ensurePrivateDirectory, UnsafePathError } from './safe-fs';

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

/** Long base64/base64url runs: ECR tokens and passwords, session tokens, secret keys. */
const LONG_OPAQUE = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
/** Access key ids keep their kind and last four characters: enough to tell keys apart. */
const ACCESS_KEY_ID = /\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}([A-Z0-9]{4})\b/g;

/**
 * Userinfo (`user:password@`) before a host, with or without a scheme: a server URL may carry
 * a password (`https://bob:pw@registry`), and so may text that quotes one.
 */
const USERINFO = /((?:[a-z][a-z0-9+.-]*:\/\/)|(?<![^\s"'(=<,]))[^\s"'/?#<>]+@(?=[^\s"'/@]*[a-z0-9])/gi;
/** After a scheme, everything up to the last `@` of the authority is userinfo, quotes and all. */
const SCHEME_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@(?=[^\s"'/@]*[a-z0-9])/gi;
/** A URL's query string (with or without a scheme), which may carry signed parameters or tokens. */
const URL_QUERY = /([^\s"'?#]*[./][^\s"'?#]*)\?[^\s"'#]*/gi;

/**
 * Masks secrets in text that will be logged or shown: registered secrets, URL userinfo and
 * query strings, long random runs (tokens, keys), most of an access key id. Pure; exported
 * for the messages that go to stdout and for tests.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return out
    .replace(SCHEME_USERINFO, '$1[REDACTED]@')
    .replace(USERINFO, '$1[REDACTED]@')
    .replace(URL_QUERY, '$1?[REDACTED]')
    .replace(LONG_OPAQUE, maskOpaque)
    .replace(ACCESS_KEY_ID, '$1…$2');
}

/** Random material mixes digits and both cases; file paths and words rarely do. */
function maskOpaque(run: string): string {
  // An absolute path: judge each component alone, so `/tmp/x-Ab3dE9/cache.json` stays legible.
  if (run.startsWith('/'))
    return run
      .split('/')
      .map((part) => (part.length >= 32 ? maskOpaque(part) : part))
      .join('/');
  const looksRandom = /\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run);
  return looksRandom || run.length >= 64 ? '[REDACTED]' : run;
}

export interface LoggerOptions {
  /** Log file path; undefined: no file. */
  file?: string | undefined;
  /**
   * The private directory the log lives under (the cache directory), checked before the log's
   * own directory, so that a problem with it is reported once, under its name.
   */
  dir?: string | undefined;
  level: LogLevel;
  /** Where `tell` writes. */
  stderr: { write(chunk: string): unknown };
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
    const line = `${new Date().toISOString()} ${level.toUpperCase()} pid=${process.pid} ${redact(message, secrets).replace(/\s*\n\s*/g, ' ')}\n`;
    try {
      if (options.dir !== undefined) ensurePrivateDirectory(options.dir);
      ensurePrivateDirectory(dirname(file));
      try {
        if (lstatSync(file).size + line.length > maxBytes) renameSync(file, `${file}.1`);
      } catch {
        // no file yet
      }
      appendOwnFile(file, line);
    } catch (error) {
      // Logging must never break a credential lookup: a read-only home, or a log path that
      // is a symlink or a FIFO, still gets tokens (without a log).
      fileBroken = true;
      if (error instanceof UnsafePathError) logger.tellUnsafe(error);
    }
  };

  const toStderr = (message: string): void => {
    options.stderr.write(`${options.prefix ?? 'ecr-login'}: ${redact(message, secrets).replace(/\s*\n\s*/g, ' ')}\n`);
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
