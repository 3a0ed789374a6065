import { KeychainUnavailableError } from '../errors';
import { createKeychainProcess, type KeychainProcessOptions, type KeychainRequest, NO_ANSWER } from './keychain-process';

/**
 * The keychain ports (text, and bytes as the platform stores them) and the OS keychain
 * adapter behind them: calls queued one after another, vanished items retried, failures
 * turned into the line that tells the user what to fix. The child process the native calls
 * run in is keychain-process.ts's.
 */

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

export interface OsKeychainOptions extends KeychainProcessOptions {
  readonly platform: NodeJS.Platform;
}

/** How often an operation that met a vanished item is tried in all. */
const VANISHED_ATTEMPTS = 5;

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
  const { platform } = options;
  let queue: Promise<unknown> = Promise.resolve();

  const unavailable = (detail: string, cause?: unknown): KeychainUnavailableError =>
    new KeychainUnavailableError(formatKeychainHint(platform, detail), formatKeychainHint(platform, detail), { cause });
  const send = createKeychainProcess(options, unavailable);

  /**
   * Runs a keychain operation, after the ones before it. An item another process deleted
   * between this one finding and reading it is a race, not a missing keychain: the operation
   * is tried again (up to five times). For one item, one that stays vanished counts as absent
   * (`vanished`); a `list` is never answered empty for it while other items may exist: it fails
   * as unavailable instead (`vanished` undefined).
   */
  const call = <T>(request: KeychainRequest, vanished?: { value: T }): Promise<T> => {
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
