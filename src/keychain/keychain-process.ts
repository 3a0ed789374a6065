import type { ChildProcess } from 'node:child_process';
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KeychainUnavailableError } from '../errors';
import type { FsPlatform } from '../safe-fs/fs-platform';
import { ensurePrivateDirectory, UnsafePathError } from '../safe-fs/private-directories';

/**
 * The keychain's child process (`entry/keychain-worker.ts`), where the native calls run:
 * starting it (with the private directory the executable unpacks its addon into), the line
 * protocol of requests and replies, one call at a time under a deadline, and killing it. What
 * a failure means for the user, and which failures are retried, is os-keychain.ts's.
 */

export interface KeychainProcessOptions {
  /**
   * Starts the keychain process (`entry/keychain-worker.ts`): the program and its arguments. The Node
   * entry runs `node dist/keychain-worker.js`; the single-file executable runs itself in its
   * hidden keychain mode.
   */
  readonly command: readonly string[];
  /** How long one keychain call may take (an unlock prompt included). */
  readonly timeoutMs: number;
  /** The keychain process's environment: this process's (the D-Bus session, HOME, …). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * The single-file executable's keychain process extracts the native addon into its temp
   * directory (Bun does, by `TMPDIR`; `TMP`/`TEMP` on Windows): this private directory of the
   * user's is given to it instead, so that a missing, full or foreign temp directory does not
   * break the keychain, and a copy left half-written by a killed process is cleaned up. Unset
   * for the Node entry, which loads the addon from node_modules.
   */
  readonly scratchDir?: string | undefined;
  /** Whose `scratchDir` must be (the entry's). */
  readonly fsPlatform: FsPlatform;
  /** Registers what to do when this process exits (the entry's `process.once('exit')`): the keychain process is killed then. */
  readonly onExit?: (done: () => void) => void;
  /** Starts a process (tests: a fake); `child_process.spawn` by default. */
  readonly spawn?: (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => ChildProcess;
}

/** A request to the keychain process; `blob` is the bytes of a `set`, base64 (entry/keychain-worker.ts). */
export type KeychainRequest = { op: 'get' | 'set' | 'delete' | 'list'; service: string; account: string; blob: string };
export type KeychainReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The start of the detail of a call that got no answer in time. */
export const NO_ANSWER = 'it did not answer within';

/** What Bun names the addon copy it is still writing (`.<16 hex>-<n>.node`, renamed when complete). */
const PARTIAL_ADDON = /^\.[0-9a-f]{16}-\d+\.node$/;
/** A partial copy older than this belongs to a process that was killed while writing it. */
const STALE_MS = 60_000;

/**
 * Makes `dir` a private directory of the user's and removes the addon copies that killed
 * processes left half-written there. Throws `UnsafePathError` (or a file system error) when
 * `dir` cannot be one.
 */
function prepareScratchDir(dir: string, fsPlatform: FsPlatform): void {
  ensurePrivateDirectory(dir, fsPlatform);
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!PARTIAL_ADDON.test(name)) continue;
    const file = join(dir, name);
    try {
      if (now - lstatSync(file).mtimeMs > STALE_MS) unlinkSync(file);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** The keychain process's environment: with the scratch directory as its temp directory, once that is ready. */
function workerEnv(options: KeychainProcessOptions): NodeJS.ProcessEnv {
  const { scratchDir } = options;
  if (scratchDir === undefined) return options.env;
  try {
    prepareScratchDir(scratchDir, options.fsPlatform);
  } catch (error) {
    const why = error instanceof UnsafePathError ? `it ${error.why}` : error instanceof Error ? error.message : String(error);
    const message = `the keychain cannot be used: ${scratchDir}, where its native library is unpacked, is not usable (${why}); set AWS_ECR_CACHE_DIR to a directory of yours`;
    throw new KeychainUnavailableError(message, message, { cause: error });
  }
  return { ...options.env, TMPDIR: scratchDir, TMP: scratchDir, TEMP: scratchDir };
}

/** The keychain process and the call waiting for its answer. */
interface Worker {
  readonly child: ChildProcess;
  pending: { id: number; resolve: (reply: KeychainReply) => void; reject: (error: Error) => void } | undefined;
}

function defaultSpawn(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return spawn(file, [...args], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true, env });
}

/** Hands each reply line of the worker's stdout to the call waiting for it; other lines are ignored. */
function deliverReplies(worker: Worker): void {
  let buffer = '';
  worker.child.stdout?.setEncoding('utf8');
  worker.child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      let reply: KeychainReply | undefined;
      try {
        reply = JSON.parse(line) as KeychainReply;
      } catch {
        reply = undefined;
      }
      const waiting = worker.pending;
      if (reply && waiting && reply.id === waiting.id) {
        worker.pending = undefined;
        waiting.resolve(reply);
      }
    }
  });
}

/** Starts the keychain process; `onEnd` hears when it could not start or ended. */
function startWorker(options: KeychainProcessOptions, onEnd: (worker: Worker, why: string) => void): Worker {
  const [file = '', ...args] = options.command;
  const env = workerEnv(options);
  const child = (options.spawn ?? defaultSpawn)(file, args, env);
  const started: Worker = { child, pending: undefined };
  deliverReplies(started);
  child.on('error', (error) => onEnd(started, `the keychain process could not start: ${error.message}`));
  child.on('exit', (code, signal) => onEnd(started, `the keychain process ended (${signal ?? `exit ${code}`})`));
  child.stdin?.on('error', () => undefined);
  // Neither the process nor its pipes keep this one alive, and it dies with this one.
  child.unref();
  for (const stream of [child.stdin, child.stdout]) (stream as { unref?: () => void } | null)?.unref?.();
  options.onExit?.(() => child.kill('SIGKILL'));
  return started;
}

/**
 * The keychain process, started on first use: returns `send`, which makes one call and
 * resolves with its reply. A call that does not answer within `timeoutMs` gets the process
 * killed, and so does the process's end: then this call and every later one reject with
 * `unavailable(why)`; a process that could not be started rejects with its own error first.
 */
export function createKeychainProcess(
  options: KeychainProcessOptions,
  unavailable: (detail: string) => Error,
): (request: KeychainRequest) => Promise<KeychainReply> {
  const { timeoutMs } = options;
  let worker: Worker | undefined;
  let broken: string | undefined;
  let nextId = 0;

  const stop = (why: string): void => {
    broken ??= why;
    const current = worker;
    worker = undefined;
    current?.pending?.reject(unavailable(why));
    if (current) current.pending = undefined;
    current?.child.kill('SIGKILL');
  };

  return (request) => {
    if (broken !== undefined) return Promise.reject(unavailable(broken));
    try {
      worker ??= startWorker(options, (ended, why) => {
        if (worker === ended) stop(why);
      });
    } catch (error) {
      broken = error instanceof KeychainUnavailableError ? error.message : String(error);
      return Promise.reject(error);
    }
    const current = worker;
    const id = ++nextId;
    return new Promise<KeychainReply>((resolve, reject) => {
      const timer = setTimeout(() => stop(`${NO_ANSWER} ${timeoutMs / 1000} s`), timeoutMs);
      current.pending = {
        id,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      current.child.stdin?.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  };
}
