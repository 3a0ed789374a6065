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

interface NapiEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deletePassword(): boolean;
}

interface NapiKeyring {
  Entry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => NapiEntry;
  findCredentials(service: string): { account: string; password: string }[];
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

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and
 * on Linux the Secret Service — pinned to it, so that a missing Secret Service is reported
 * instead of silently falling back to the kernel keyring, which loses everything at logout.
 * The native module is loaded on first use only.
 */
export function createOsKeychain(platform: NodeJS.Platform): Keychain {
  let keyring: NapiKeyring | undefined;
  const load = (): NapiKeyring => {
    keyring ??= require('@napi-rs/keyring') as NapiKeyring;
    return keyring;
  };
  const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
  /**
   * Runs a keychain operation. An item another process deleted between this one finding and
   * reading it ("No such object path" from the Secret Service) is a race, not a missing
   * keychain: the operation is tried again, and a vanished item counts as absent.
   */
  const call = <T>(fn: (k: NapiKeyring) => T, vanished: () => T): T => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return fn(load());
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        if (isVanishedItem(detail)) {
          if (attempt < 3) continue;
          return vanished();
        }
        throw new KeychainUnavailableError(formatKeychainHint(platform, detail), formatKeychainHint(platform, detail), { cause: error });
      }
    }
  };
  const entry = (k: NapiKeyring, service: string, account: string): NapiEntry => new k.Entry(service, account, options);
  return {
    get: (service, account) =>
      call(
        (k) => entry(k, service, account).getPassword() ?? undefined,
        () => undefined,
      ),
    set: (service, account, secret) =>
      call(
        (k) => entry(k, service, account).setPassword(secret),
        () => undefined,
      ),
    delete: (service, account) =>
      call(
        (k) => entry(k, service, account).deletePassword(),
        () => false,
      ),
    list: (service) =>
      call(
        (k) => k.findCredentials(service).map((c) => ({ account: c.account, secret: c.password })),
        () => [],
      ),
  };
}
