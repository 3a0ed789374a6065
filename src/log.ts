import { lstatSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from './config';
import { ensurePrivateDirectory, UnsafePathError } from './safe-fs/private-directories';
import { appendOwnFile } from './safe-fs/write-files';

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

/**
 * How much of a message is redacted: all of anything read on standard input (the protocols
 * cap it at 64 KiB), so that redaction never sees half a URL or half a token. Longer text
 * (environment, argv, files) is cut first, at a blank where there is one.
 */
const MAX_REDACTED_CHARS = 64 * 1024;
/** How much of a message is shown, after redaction and escaping: a log line, not a dump. */
export const MAX_SHOWN_CHARS = 4 * 1024;

/**
 * Masks secrets in text that will be logged or shown: registered secrets, URL userinfo and
 * query strings, long random runs (tokens, keys), most of an access key id; at most
 * `MAX_SHOWN_CHARS` of the result, then a mark saying how long the message was. Pure;
 * exported for the messages that go to stdout and for tests.
 *
 * The text is attacker's input (a ServiceAccount annotation, a server URL), so every pass is
 * a hand-written scan, linear in the length: the regular expressions this replaced
 * backtracked polynomially (4 KiB took a minute) and ran before any deadline could fire.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  return capShown(redactWhole(text, secrets), text.length);
}

/** `redact` without the final cut: the logger escapes before it cuts. */
function redactWhole(text: string, secrets: readonly string[]): string {
  let out = text;
  // On the whole text, before any cut: a secret straddling the cut must not leave its first half.
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return shortenAccessKeyIds(maskOpaqueRuns(maskQueries(maskUserinfo(maskSchemeUserinfo(capRedacted(out))))));
}

/** The first `MAX_REDACTED_CHARS`, without the word the cut falls in (it could be half a secret). */
function capRedacted(text: string): string {
  if (text.length <= MAX_REDACTED_CHARS) return text;
  let cut = MAX_REDACTED_CHARS;
  if (!isBlank(text.charAt(cut))) while (cut > 0 && !isBlank(text.charAt(cut - 1))) cut--;
  return cut > 0 ? text.slice(0, cut).trimEnd() : text.slice(0, MAX_REDACTED_CHARS);
}

/** At most `MAX_SHOWN_CHARS` of `shown`, never half a surrogate pair, and a mark when cut. */
function capShown(shown: string, originalLength: number): string {
  if (shown.length <= MAX_SHOWN_CHARS && originalLength <= MAX_REDACTED_CHARS) return shown;
  let cut = Math.min(shown.length, MAX_SHOWN_CHARS);
  const last = shown.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${shown.slice(0, cut)} …[message cut: ${originalLength} characters]`;
}

// Character classes of the patterns below. Each is one character's test, so a scan that
// asks them once per position is linear.
const isBlank = (c: string): boolean => /\s/.test(c);
const isAsciiLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlnum = (c: string): boolean => isAsciiLetter(c) || isDigit(c);
const isWordChar = (c: string): boolean => isAlnum(c) || c === '_';
/** What RFC 3986 allows in a scheme after its first letter. */
const isSchemeChar = (c: string): boolean => isAlnum(c) || c === '+' || c === '.' || c === '-';

/**
 * For each position i: the last `@` at or after i, in the run of `inRun` characters that holds
 * i, that a host name follows (up to a blank, quote, `/` or the next `@`, at least one letter
 * or digit); -1 if none. Computed right to left in one pass: "the last such `@`" is the userinfo
 * end that a greedy `[…]*@(?=host)` would have settled on.
 */
function lastUserinfoEnd(text: string, inRun: (c: string) => boolean): Int32Array {
  const n = text.length;
  const hostAhead = new Uint8Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charAt(i);
    const inHost = !isBlank(c) && c !== '"' && c !== "'" && c !== '/' && c !== '@';
    hostAhead[i] = inHost && (isAlnum(c) || hostAhead[i + 1] === 1) ? 1 : 0;
  }
  const end = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charAt(i);
    if (!inRun(c)) continue;
    const later = end[i + 1] ?? -1;
    end[i] = later >= 0 ? later : c === '@' && hostAhead[i + 1] === 1 ? i : -1;
  }
  return end;
}

/**
 * For each position i: the index of the `://` that the run of scheme characters holding i
 * ends at, or -1. A scheme starts at i when this is set and text[i] is a letter.
 */
function schemeEnds(text: string): Int32Array {
  const n = text.length;
  const at = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    if (text.startsWith('://', i + 1) && isSchemeChar(text.charAt(i))) at[i] = i + 1;
    else if (isSchemeChar(text.charAt(i))) at[i] = at[i + 1] ?? -1;
  }
  return at;
}

const isAuthorityChar = (c: string): boolean => !isBlank(c) && c !== '/';

/**
 * After a scheme, everything up to the last `@` of the authority is userinfo, quotes and all:
 * `https://bob:p"w@host` → `https://[REDACTED]@host`.
 */
function maskSchemeUserinfo(text: string): string {
  if (!text.includes('://')) return text;
  const scheme = schemeEnds(text);
  const userinfoEnd = lastUserinfoEnd(text, isAuthorityChar);
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const sep = scheme[i] ?? -1;
    if (sep < 0 || !isAsciiLetter(text.charAt(i))) continue;
    const authority = sep + 3;
    const end = authority < text.length ? (userinfoEnd[authority] ?? -1) : -1;
    if (end < 0) {
      // No userinfo after this scheme, whichever of its letters it is read from.
      i = sep + 2;
      continue;
    }
    out += `${text.slice(from, authority)}[REDACTED]@`;
    from = end + 1;
    i = end;
  }
  return out + text.slice(from);
}

const isUserinfoChar = (c: string): boolean =>
  !isBlank(c) && c !== '"' && c !== "'" && c !== '/' && c !== '?' && c !== '#' && c !== '<' && c !== '>';
/** Where userinfo without a scheme may start: after a blank, a quote, `(`, `=`, `<` or `,`. */
const opensWord = (c: string): boolean => isBlank(c) || c === '"' || c === "'" || c === '(' || c === '=' || c === '<' || c === ',';

/**
 * Userinfo (`user:password@`) before a host, with or without a scheme: a server URL may carry
 * a password (`bob:pw@registry`), and so may text that quotes one. A word that merely ends in
 * `@` (`user@`, then a blank) is not userinfo.
 */
function maskUserinfo(text: string): string {
  if (!text.includes('@')) return text;
  const scheme = schemeEnds(text);
  const userinfoEnd = lastUserinfoEnd(text, isUserinfoChar);
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    let start = -1;
    const sep = scheme[i] ?? -1;
    if (sep >= 0 && isAsciiLetter(text.charAt(i)) && (userinfoEnd[sep + 3] ?? -1) > sep + 3) start = sep + 3;
    else if ((i === 0 || opensWord(text.charAt(i - 1))) && (userinfoEnd[i] ?? -1) > i) start = i;
    if (start < 0) continue;
    const end = userinfoEnd[start] ?? -1;
    out += `${text.slice(from, start)}[REDACTED]@`;
    from = end + 1;
    i = end;
  }
  return out + text.slice(from);
}

const isQueryStop = (c: string): boolean => isBlank(c) || c === '"' || c === "'" || c === '#';

/**
 * A URL's query string (with or without a scheme), which may carry signed parameters or
 * tokens: the `?…` after a word that has a `.` or `/` (a host or a path), up to a blank, quote
 * or `#`. `what? nothing` is a question, not a URL.
 */
function maskQueries(text: string): string {
  if (!text.includes('?')) return text;
  let out = '';
  let from = 0;
  let looksLikeUrl = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '?' && looksLikeUrl) {
      let end = i + 1;
      while (end < text.length && !isQueryStop(text.charAt(end))) end++;
      out += `${text.slice(from, i)}?[REDACTED]`;
      from = end;
      i = end - 1;
      looksLikeUrl = false;
    } else if (isQueryStop(c) || c === '?') looksLikeUrl = false;
    else if (c === '.' || c === '/') looksLikeUrl = true;
  }
  return out + text.slice(from);
}

const isOpaqueChar = (c: string): boolean => isAlnum(c) || c === '+' || c === '/' || c === '_' || c === '-';

/** Long base64/base64url runs (32 characters and more, with up to two `=`): ECR tokens and passwords, session tokens, secret keys. */
function maskOpaqueRuns(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!isOpaqueChar(text.charAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isOpaqueChar(text.charAt(i))) i++;
    if (i - start < 32) continue;
    for (let pad = 0; pad < 2 && text.charAt(i) === '='; pad++) i++;
    out += text.slice(from, start) + maskOpaque(text.slice(start, i));
    from = i;
  }
  return out + text.slice(from);
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

const ACCESS_KEY_KINDS = ['AKIA', 'ASIA', 'AIDA', 'AROA'];
const isKeyChar = (c: string): boolean => (c >= 'A' && c <= 'Z') || isDigit(c);

/**
 * Access key ids (a kind, then 16 or more capitals and digits, a whole word) keep their kind
 * and last four characters: enough to tell keys apart. `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`.
 */
function shortenAccessKeyIds(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!isWordChar(text.charAt(i))) {
      i++;
      continue;
    }
    const start = i;
    const kind = ACCESS_KEY_KINDS.find((k) => text.startsWith(k, start));
    let end = start + (kind ? kind.length : 0);
    while (end < text.length && isKeyChar(text.charAt(end))) end++;
    const wholeWord = end === text.length || !isWordChar(text.charAt(end));
    if (kind && end - start - kind.length >= 16 && wholeWord) {
      out += `${text.slice(from, start)}${kind}…${text.slice(end - 4, end)}`;
      from = end;
    }
    // On to the next word: no key starts inside this one.
    i = end;
    while (i < text.length && isWordChar(text.charAt(i))) i++;
  }
  return out + text.slice(from);
}

/**
 * Folds each run of blanks that holds a line break into one space: a log entry is one line.
 * (The regular expression this replaced, blanks-newline-blanks, rescanned a long run of
 * blanks from each of its characters: quadratic.)
 */
function foldLineBreaks(text: string): string {
  if (!text.includes('\n')) return text;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    if (!isBlank(text.charAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let hasBreak = false;
    while (i < text.length && isBlank(text.charAt(i))) hasBreak = text.charAt(i++) === '\n' || hasBreak;
    if (!hasBreak) continue;
    out += `${text.slice(from, start)} `;
    from = i;
  }
  return out + text.slice(from);
}

/**
 * Characters that would let a message forge or hide log lines, or drive a terminal: C0
 * controls (CR, ESC, BEL…), DEL, C1 controls, the Unicode line and paragraph separators and
 * the bidirectional overrides and isolates (which reorder what a reader sees).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g;

/**
 * Escapes what `UNSAFE_CHARS` names as `\xHH` (below U+0100) or `\uHHHH`, so that every line the
 * helper writes to its log or to stderr is one line and shows what it holds. kubelet copies
 * the plugin's stderr into its own log; a ServiceAccount annotation is a tenant's text.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_CHARS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A message as one line of the log or stderr: redacted, folded to one line, escaped, cut. */
function formatLine(message: string, secrets: readonly string[]): string {
  return capShown(escapeControls(foldLineBreaks(redactWhole(message, secrets))), message.length);
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
