import type { AuthorizationToken, TokenSource } from '../../src/aws/token-source';
import { KeychainUnavailableError } from '../../src/errors';
import type { Keychain, KeychainBlobs } from '../../src/keychain/os-keychain';
import type { LockAttempt, Locker } from '../../src/lock/locker';
import type { Logger } from '../../src/log';
import type { Registry } from '../../src/registry/parse-registry';
import type { CachedToken, TokenStore } from '../../src/store/token-store';

/** A clock the test moves by hand. */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export interface FakeTokenSource extends TokenSource {
  readonly calls: Registry[];
}

/**
 * Records calls and answers with `respond` (default: a 12-hour token whose password names
 * the call number).
 */
export function createFakeTokenSource(
  now: () => number,
  respond?: (registry: Registry, call: number) => AuthorizationToken | Promise<AuthorizationToken>,
): FakeTokenSource {
  const calls: Registry[] = [];
  return {
    calls,
    async getAuthorizationToken(registry) {
      calls.push(registry);
      if (respond) return respond(registry, calls.length);
      return { username: 'AWS', password: `password-${calls.length}`, expiresAt: new Date(now() + 12 * 3600_000) };
    },
  };
}

/** A logger that keeps what it is told, for assertions. */
export function createMemoryLogger(): Logger & { lines: string[]; told: string[] } {
  const lines: string[] = [];
  const told: string[] = [];
  const seen = new Set<string>();
  return {
    lines,
    told,
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
    tell: (m) => {
      told.push(m);
      lines.push(`WARN ${m}`);
    },
    fail: (m) => {
      told.push(m);
      lines.push(`ERROR ${m}`);
    },
    tellOnce: (key, m) => {
      if (seen.has(key)) return;
      seen.add(key);
      told.push(m);
      lines.push(`WARN ${m}`);
    },
    tellUnsafe: (error) => {
      told.push(`unsafe: ${error.message}`);
    },
    addSecret: () => undefined,
  };
}

/** An in-memory store keyed by host and identity. */
export function createMemoryStore(): TokenStore & { entries: Map<string, CachedToken> } {
  const entries = new Map<string, CachedToken>();
  const key = (host: string, identity: string): string => `${host}\0${identity}`;
  return {
    entries,
    get: async (host, identity) => entries.get(key(host, identity)),
    put: async (identity, token) => {
      entries.set(key(token.host, identity), token);
    },
    list: async (identity) => [...entries].filter(([k]) => k.endsWith(`\0${identity}`)).map(([, t]) => t),
  };
}

/** Collects what is written to a stream-like sink. */
export function createSink(): { write: (chunk: string) => boolean; text: () => string } {
  let text = '';
  return {
    write: (chunk) => {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

/** Standard input with the given content (as clients write it: one chunk, then EOF). */
export function stdinOf(content: string | Buffer): AsyncIterable<Buffer> {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return (async function* () {
    if (buffer.length > 0) yield buffer;
  })();
}

/** Named locks held in memory; `holdExternally` simulates another process holding one. */
export function createMemoryLocker(): Locker & { held: Set<string>; attempts: string[]; holdExternally: (name: string) => void } {
  const held = new Set<string>();
  const attempts: string[] = [];
  return {
    held,
    attempts,
    holdExternally: (name) => held.add(name),
    async tryLock(name): Promise<LockAttempt> {
      attempts.push(name);
      if (held.has(name)) return { status: 'busy' };
      held.add(name);
      return { status: 'acquired', release: async () => void held.delete(name), isStillHeld: () => held.has(name) };
    },
  };
}

/** A keychain in memory; `unavailable` makes every call fail as a missing Secret Service does. */
export function createFakeKeychain(): Keychain & { items: Map<string, string>; unavailable: boolean } {
  const items = new Map<string, string>();
  const fake = {
    items,
    unavailable: false,
    check() {
      if (fake.unavailable)
        throw new KeychainUnavailableError(
          'no usable Secret Service keychain (test): run one',
          'no usable Secret Service keychain (test): run one',
        );
    },
    async get(service: string, account: string) {
      fake.check();
      return items.get(`${service}\0${account}`);
    },
    async set(service: string, account: string, secret: string) {
      fake.check();
      items.set(`${service}\0${account}`, secret);
    },
    async delete(service: string, account: string) {
      fake.check();
      return items.delete(`${service}\0${account}`);
    },
    async list(service: string) {
      fake.check();
      return [...items]
        .filter(([k]) => k.startsWith(`${service}\0`))
        .map(([k, secret]) => ({ account: k.slice(service.length + 1), secret }));
    },
  };
  return fake;
}

/** Whether `bytes` decode as UTF-16LE without a loose surrogate (what Windows' enumeration requires). */
function isUtf16le(bytes: Buffer): boolean {
  if (bytes.length % 2 !== 0) return false;
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = bytes.readUInt16LE(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 2 < bytes.length ? bytes.readUInt16LE(i + 2) : 0;
      if (next < 0xdc00 || next > 0xdfff) return false;
      i += 2;
    }
  }
  return true;
}

export interface FakeKeychainBlobs extends KeychainBlobs {
  /** `service\0account` -> bytes. */
  readonly items: Map<string, Buffer>;
  /** Every call, in order: `get a`, `set a#1`, `delete a#2`, `list`. */
  readonly calls: string[];
  /** Throw (as a killed process would stop) at the `set` after this many more; undefined: never. */
  failSetsAfter: number | undefined;
  /** Called after each set and delete: a reader looking in while a writer works. */
  afterWrite: (() => Promise<void>) | undefined;
}

/**
 * An OS keychain in bytes, in memory, with a platform's rules: `set` refuses a blob over
 * `maxBlobBytes` (Windows: windows-native-keyring-store's TooLong), and with `enumerateAsUtf16`,
 * `list` fails, as Windows' `findCredentials` does, when any blob of the service is not
 * UTF-16LE text.
 */
export function createFakeKeychainBlobs(rules: { maxBlobBytes?: number; enumerateAsUtf16?: boolean } = {}): FakeKeychainBlobs {
  const items = new Map<string, Buffer>();
  const calls: string[] = [];
  const key = (service: string, account: string) => `${service}\0${account}`;
  const fake: FakeKeychainBlobs = {
    items,
    calls,
    failSetsAfter: undefined,
    afterWrite: undefined,
    async get(service, account) {
      calls.push(`get ${account}`);
      const blob = items.get(key(service, account));
      return blob && Buffer.from(blob);
    },
    async set(service, account, blob) {
      calls.push(`set ${account}`);
      if (fake.failSetsAfter !== undefined && fake.failSetsAfter-- <= 0) throw new Error('killed');
      if (rules.maxBlobBytes !== undefined && blob.length > rules.maxBlobBytes) {
        throw new KeychainUnavailableError(`Attribute 'secret' is longer than platform limit of ${rules.maxBlobBytes} chars`);
      }
      items.set(key(service, account), Buffer.from(blob));
      await fake.afterWrite?.();
    },
    async delete(service, account) {
      calls.push(`delete ${account}`);
      const deleted = items.delete(key(service, account));
      await fake.afterWrite?.();
      return deleted;
    },
    async list(service) {
      calls.push('list');
      const found = [...items].filter(([k]) => k.startsWith(`${service}\0`));
      if (rules.enumerateAsUtf16 && found.some(([, blob]) => !isUtf16le(blob))) {
        throw new KeychainUnavailableError('Failed to enumerate credentials: Not a valid utf16 blob');
      }
      return found.map(([k, blob]) => ({ account: k.slice(service.length + 1), blob: Buffer.from(blob) }));
    },
  };
  return fake;
}

/** Makes 12-hour tokens issued "now" by the given clock, as ECR would. */
export function createTokenFactory(now: () => number): (host: string, password?: string) => CachedToken {
  return (host, password = `pw-${host}`) => ({ host, username: 'AWS', password, issuedAt: now(), expiresAt: now() + 12 * 3600_000 });
}
