import type { MessagePort } from 'node:worker_threads';
import { KeychainUnavailableError } from '../errors';

/** One secret in the keychain: `account` within a service, and its text. */
export interface KeychainItem {
  readonly account: string;
  readonly secret: string;
}

/**
 * The narrow port over the OS keychain. The real one is `createOsKeychain`; unit tests use
 * a map. Methods throw `KeychainUnavailableError` when there is no usable keychain.
 */
export interface Keychain {
  get(service: string, account: string): string | undefined;
  set(service: string, account: string, secret: string): void;
  /** True if something was deleted. */
  delete(service: string, account: string): boolean;
  list(service: string): KeychainItem[];
}

/** The Secret Service's answer for an item path that no longer exists. */
function isVanishedItem(detail: string): boolean {
  return /No such object|UnknownObject|NoSuchObject/i.test(detail);
}

/** What is missing and how to fix it, per platform: the one line the user sees. */
function formatKeychainHint(platform: NodeJS.Platform, detail: string): string {
  const why = detail.replace(/\s+/g, ' ').trim();
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
  /** The built `keychain-worker.js`, where the native calls run. */
  readonly workerFile: string;
  /** How long one keychain call may take (an unlock prompt included). */
  readonly timeoutMs: number;
  /** Called when a call did not return in time: the worker is stuck, and the process must not wait for it. */
  readonly onStuck: () => void;
}

type Request = { op: 'get' | 'set' | 'delete' | 'list'; service: string; account: string; secret: string };
type Reply = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and
 * on Linux the Secret Service — pinned to it, so that a missing Secret Service is reported
 * instead of silently falling back to the kernel keyring, which loses everything at logout.
 * The native calls run in a worker thread started on first use (`keychain-worker.ts`); each
 * call waits for its answer synchronously, for at most `timeoutMs` — a silent D-Bus or a
 * keyring waiting for a prompt can block a native call forever, and it must not block the
 * helper's own deadlines. A call that times out makes the keychain unavailable for the rest
 * of the process.
 */
export function createOsKeychain(options: OsKeychainOptions): Keychain {
  const { platform, timeoutMs } = options;
  let channel: { port: MessagePort; done: Int32Array } | undefined;
  let stuck = false;

  const unavailable = (detail: string, cause?: unknown): KeychainUnavailableError =>
    new KeychainUnavailableError(formatKeychainHint(platform, detail), formatKeychainHint(platform, detail), { cause });

  const send = (request: Request): Reply => {
    if (stuck) throw unavailable(`it did not answer within ${timeoutMs / 1000} s`);
    // Loaded here, not at start-up: node:worker_threads costs milliseconds a cache hit without
    // the keychain should not pay.
    const { MessageChannel, receiveMessageOnPort, Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    if (!channel) {
      const { port1, port2 } = new MessageChannel();
      const done = new Int32Array(new SharedArrayBuffer(4));
      new Worker(options.workerFile, { workerData: { done, port: port2, platform }, transferList: [port2] }).unref();
      channel = { port: port1, done };
    }
    Atomics.store(channel.done, 0, 0);
    channel.port.postMessage(request);
    if (Atomics.wait(channel.done, 0, 0, timeoutMs) === 'timed-out') {
      stuck = true;
      options.onStuck();
      throw unavailable(`it did not answer within ${timeoutMs / 1000} s`);
    }
    const reply = receiveMessageOnPort(channel.port)?.message as Reply | undefined;
    return reply ?? { ok: false, error: 'the keychain worker sent no answer' };
  };

  /**
   * Runs a keychain operation. An item another process deleted between this one finding and
   * reading it ("No such object path" from the Secret Service) is a race, not a missing
   * keychain: the operation is tried again, and a vanished item counts as absent.
   */
  const call = <T>(request: Request, vanished: T): T => {
    for (let attempt = 1; ; attempt += 1) {
      const reply = send(request);
      if (reply.ok) return reply.value as T;
      if (isVanishedItem(reply.error)) {
        if (attempt < 3) continue;
        return vanished;
      }
      throw unavailable(reply.error);
    }
  };

  return {
    get: (service, account) => call<string | undefined>({ op: 'get', service, account, secret: '' }, undefined),
    set: (service, account, secret) => call<undefined>({ op: 'set', service, account, secret }, undefined),
    delete: (service, account) => call<boolean>({ op: 'delete', service, account, secret: '' }, false),
    list: (service) => call<KeychainItem[]>({ op: 'list', service, account: '', secret: '' }, []),
  };
}
