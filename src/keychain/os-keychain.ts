import type { ChildProcess } from 'node:child_process';
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { KeychainUnavailableError } from '../errors';
import { ensurePrivateDirectory, UnsafePathError } from '../safe-fs/private-directories';

/** One secret in the keychain: `account` within a service, and its text. */
export interface KeychainItem {
  readonly account: string;
  /**
   * Undefined for an item that cannot be read whole (split-keychain.ts: a part missing or of
   * another write), which is there to be deleted, not used.
   */
  readonly secret: string | undefined;
}

/**
 * The narrow port over the OS keychain, in text: what the token cache and the credential
 * store use. The real one is `createSplitKeychain` over `createOsKeychain`; unit tests use a
 * map. Methods reject with `KeychainUnavailableError` when there is no usable keychain.
 */
export interface Keychain {
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, secret: string): Promise<void>;
  /** True if something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
  list(service: string): Promise<KeychainItem[]>;
  /**
   * The most bytes one item of the OS keychain holds here; a longer secret is kept in several
   * (split-keychain.ts). Undefined: no limit (or not known, as for a test's map).
   */
  readonly maxItemBytes?: number | undefined;
}

/** One item of the OS keychain as stored: its account and its bytes. */
export interface KeychainBlob {
  readonly account: string;
  readonly blob: Buffer;
}

/**
 * The OS keychain in bytes, one item per account, as the platform keeps it: what
 * `createOsKeychain` offers and `createSplitKeychain` builds the text port on.
 */
export interface KeychainBlobs {
  get(service: string, account: string): Promise<Buffer | undefined>;
  set(service: string, account: string, blob: Uint8Array): Promise<void>;
  /** True if something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
  list(service: string): Promise<KeychainBlob[]>;
}

/**
 * An item another process deleted between this one finding and reading it: the Secret
 * Service's D-Bus error names for an object path that no longer exists (`UnknownObject`,
 * `NoSuchObject`), and for an item whose interfaces are gone (`UnknownInterface`, which
 * gnome-keyring answers as `No such interface "org.freedesktop.Secret.Item"`). Matched by
 * those names and their fixed texts, not by the rest of the message.
 */
function isVanishedItem(detail: string): boolean {
  return /\b(?:UnknownObject|NoSuchObject|UnknownInterface)\b|No such object|No such interface ["\u201c]org\.freedesktop\.Secret\.Item["\u201d]/i.test(
    detail,
  );
}

/** The start of the detail of a call that got no answer in time. */
const NO_ANSWER = 'it did not answer within';

/** What is missing and how to fix it, per platform: the one line the user sees. */
function formatKeychainHint(platform: NodeJS.Platform, detail: string): string {
  const why = detail.replace(/\s+/g, ' ').trim();
  if (platform === 'darwin' && why.startsWith(NO_ANSWER)) {
    // Most likely an access dialog nobody answered (select-keychain-timeout.ts).
    return `the macOS Keychain is not accessible (${why}; an access prompt may be waiting): run the command once in Terminal and choose Always Allow, or unlock the keychain (security unlock-keychain)`;
  }
  if (platform === 'darwin') {
    return `the macOS Keychain is not accessible (${why}): unlock it (security unlock-keychain)`;
  }
  if (platform === 'win32') {
    return `Windows Credential Manager is not accessible (${why})`;
  }
  return `no usable Secret Service keychain (${why}): run one (e.g. gnome-keyring) in your D-Bus session and unlock it`;
}

export interface OsKeychainOptions {
  readonly platform: NodeJS.Platform;
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
  /** Registers what to do when this process exits (the entry's `process.once('exit')`): the keychain process is killed then. */
  readonly onExit?: (done: () => void) => void;
  /** Starts a process (tests: a fake); `child_process.spawn` by default. */
  readonly spawn?: (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => ChildProcess;
}

/** What Bun names the addon copy it is still writing (`.<16 hex>-<n>.node`, renamed when complete). */
const PARTIAL_ADDON = /^\.[0-9a-f]{16}-\d+\.node$/;
/** A partial copy older than this belongs to a process that was killed while writing it. */
const STALE_MS = 60_000;

/**
 * Makes `dir` a private directory of the user's and removes the addon copies that killed
 * processes left half-written there. Throws `UnsafePathError` (or a file system error) when
 * `dir` cannot be one.
 */
function prepareScratchDir(dir: string): void {
  ensurePrivateDirectory(dir);
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

/** How often an operation that met a vanished item is tried in all. */
const VANISHED_ATTEMPTS = 5;

/** A request to the keychain process; `blob` is the bytes of a `set`, base64 (entry/keychain-worker.ts). */
type Request = { op: 'get' | 'set' | 'delete' | 'list'; service: string; account: string; blob: string };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The keychain process and the call waiting for its answer. */
interface Worker {
  readonly child: ChildProcess;
  pending: { id: number; resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
}

function defaultSpawn(file: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return spawn(file, [...args], { stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true, env });
}

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and
 * on Linux the Secret Service — pinned to it, so that a missing Secret Service is reported
 * instead of silently falling back to the kernel keyring, which loses everything at logout.
 * Items as bytes, one per account, as stored: `createSplitKeychain` builds the text port on
 * it, within the platform's size for one item.
 *
 * The native calls run in a child process started on first use (`entry/keychain-worker.ts`), one
 * call at a time, each given `timeoutMs`: a silent D-Bus peer or a keyring waiting for a
 * prompt can block a native call forever. A call that does not answer in time gets the process
 * killed and makes the keychain unavailable for the rest of this one; nothing of it stays
 * behind in this process, so the helper exits with its answer's status (a stuck thread of its
 * own would make the runtime wait, and the helper could only end itself with a signal, which
 * clients report with the answer — a token — in their error). The process is also killed when
 * this one exits.
 */
export function createOsKeychain(options: OsKeychainOptions): KeychainBlobs {
  const { platform, timeoutMs } = options;
  let worker: Worker | undefined;
  let broken: string | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const unavailable = (detail: string, cause?: unknown): KeychainUnavailableError =>
    new KeychainUnavailableError(formatKeychainHint(platform, detail), formatKeychainHint(platform, detail), { cause });

  const stop = (why: string): void => {
    broken ??= why;
    const current = worker;
    worker = undefined;
    current?.pending?.reject(unavailable(why));
    if (current) current.pending = undefined;
    current?.child.kill('SIGKILL');
  };

  const start = (): Worker => {
    const [file = '', ...args] = options.command;
    let env = options.env;
    const { scratchDir } = options;
    if (scratchDir !== undefined) {
      try {
        prepareScratchDir(scratchDir);
      } catch (error) {
        const why = error instanceof UnsafePathError ? `it ${error.why}` : error instanceof Error ? error.message : String(error);
        const message = `the keychain cannot be used: ${scratchDir}, where its native library is unpacked, is not usable (${why}); set AWS_ECR_CACHE_DIR to a directory of yours`;
        throw new KeychainUnavailableError(message, message, { cause: error });
      }
      env = { ...options.env, TMPDIR: scratchDir, TMP: scratchDir, TEMP: scratchDir };
    }
    const child = (options.spawn ?? defaultSpawn)(file, args, env);
    const started: Worker = { child, pending: undefined };
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let reply: Reply | undefined;
        try {
          reply = JSON.parse(line) as Reply;
        } catch {
          reply = undefined;
        }
        const waiting = started.pending;
        if (reply && waiting && reply.id === waiting.id) {
          started.pending = undefined;
          waiting.resolve(reply);
        }
      }
    });
    child.on('error', (error) => {
      if (worker === started) stop(`the keychain process could not start: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      if (worker === started) stop(`the keychain process ended (${signal ?? `exit ${code}`})`);
    });
    child.stdin?.on('error', () => undefined);
    // Neither the process nor its pipes keep this one alive, and it dies with this one.
    child.unref();
    for (const stream of [child.stdin, child.stdout]) (stream as { unref?: () => void } | null)?.unref?.();
    options.onExit?.(() => child.kill('SIGKILL'));
    return started;
  };

  const send = (request: Request): Promise<Reply> => {
    if (broken !== undefined) return Promise.reject(unavailable(broken));
    try {
      worker ??= start();
    } catch (error) {
      broken = error instanceof KeychainUnavailableError ? error.message : String(error);
      return Promise.reject(error);
    }
    const current = worker;
    const id = ++nextId;
    return new Promise<Reply>((resolve, reject) => {
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

  /**
   * Runs a keychain operation, after the ones before it. An item another process deleted
   * between this one finding and reading it is a race, not a missing keychain: the operation
   * is tried again (up to five times). For one item, one that stays vanished counts as absent
   * (`vanished`); a `list` is never answered empty for it while other items may exist: it fails
   * as unavailable instead (`vanished` undefined).
   */
  const call = <T>(request: Request, vanished?: { value: T }): Promise<T> => {
    const run = async (): Promise<T> => {
      for (let attempt = 1; ; attempt += 1) {
        const reply = await send(request);
        if (reply.ok) return reply.value as T;
        if (!isVanishedItem(reply.error)) throw unavailable(reply.error);
        if (attempt < VANISHED_ATTEMPTS) continue;
        if (vanished) return vanished.value;
        throw unavailable(`items kept vanishing while they were read (${reply.error})`);
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    get: async (service, account) => {
      const found = await call<unknown>({ op: 'get', service, account, blob: '' }, { value: undefined });
      return typeof found === 'string' ? Buffer.from(found, 'base64') : undefined;
    },
    set: (service, account, blob) =>
      call<undefined>({ op: 'set', service, account, blob: Buffer.from(blob).toString('base64') }, { value: undefined }),
    delete: (service, account) => call<boolean>({ op: 'delete', service, account, blob: '' }, { value: false }),
    list: async (service) => {
      const found = await call<unknown>({ op: 'list', service, account: '', blob: '' });
      return (Array.isArray(found) ? found : []).flatMap((item: unknown) => {
        const { account, blob } = (typeof item === 'object' && item !== null ? item : {}) as { account?: unknown; blob?: unknown };
        return typeof account === 'string' && typeof blob === 'string' ? [{ account, blob: Buffer.from(blob, 'base64') }] : [];
      });
    },
  };
}
