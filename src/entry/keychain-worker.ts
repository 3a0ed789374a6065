/**
 * The process that talks to the OS keychain (see `createOsKeychain`). @napi-rs/keyring's calls
 * are synchronous and can block indefinitely — a silent D-Bus peer, a keyring waiting for an
 * unlock prompt nobody answers — so they run in a child process of the helper's own: a stuck
 * call blocks only this process, which the helper kills at its deadline, and never a thread
 * of the helper itself, which the runtime would have to join before the helper could exit
 * with its answer's status. Requests come as JSON lines on stdin, answers go as JSON lines on
 * stdout, one at a time; the process ends when stdin closes. Self-contained: it imports
 * nothing of ours, so that its bundle shares no module with the main one.
 *
 * It moves bytes, not text: an item's secret travels as base64 both ways, written with
 * `setSecret` and read with `getSecret`, so what the helper stores is exactly what it chose
 * (split-keychain.ts decides the bytes; `setPassword` would store UTF-16LE on Windows, twice
 * the bytes of a token, in a blob that holds 2,560).
 */
import { createInterface } from 'node:readline';

interface NapiEntry {
  getSecret(): number[] | null;
  setSecret(secret: Uint8Array): void;
  deletePassword(): boolean;
}

interface NapiKeyring {
  Entry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => NapiEntry;
  findCredentials(service: string): { account: string; password: string }[];
}

interface Request {
  readonly id: number;
  readonly op: 'get' | 'set' | 'delete' | 'list';
  readonly service: string;
  readonly account: string;
  /** `set`: the bytes to store, base64. */
  readonly blob: string;
}

/**
 * The bytes of an item as `findCredentials` found it, which has no byte variant: it decodes
 * every blob as text, UTF-16LE on Windows (windows-native-keyring-store's `extract_password`:
 * it fails the whole search on a blob of odd length or one that is not UTF-16) and UTF-8
 * elsewhere. Encoding the text back the same way gives the bytes again, exactly, for every
 * blob the helper writes: split-keychain.ts keeps them printable ASCII and of even length,
 * which is valid text in both.
 */
function bytesOf(found: string): Buffer {
  return Buffer.from(found, process.platform === 'win32' ? 'utf16le' : 'utf8');
}

// Pinned to the Secret Service on Linux: no silent fallback to the kernel keyring.
const options = process.platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
let keyring: NapiKeyring | undefined;

function run(request: Request): unknown {
  keyring ??= require('@napi-rs/keyring') as NapiKeyring;
  const entry = (): NapiEntry => new (keyring as NapiKeyring).Entry(request.service, request.account, options);
  switch (request.op) {
    case 'get': {
      const secret = entry().getSecret();
      return secret === null ? undefined : Buffer.from(secret).toString('base64');
    }
    case 'set':
      return entry().setSecret(Buffer.from(request.blob, 'base64'));
    case 'delete':
      return entry().deletePassword();
    case 'list':
      return keyring.findCredentials(request.service).map((c) => ({ account: c.account, blob: bytesOf(c.password).toString('base64') }));
  }
}

let serving = false;

/** Serves requests until stdin closes (once: a second call does nothing). */
export function serveKeychainRequests(): void {
  // Bun may count a required entry point as the main module too: never two readers of stdin.
  if (serving) return;
  serving = true;
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      return;
    }
    let reply: { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
    try {
      reply = { id: request.id, ok: true, value: run(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
  // The process ends with its parent's stdin, whatever the addon still holds open (a D-Bus
  // connection): nothing here is left to finish.
  lines.on('close', () => process.exit(0));
}

// Started as a program of its own (`node keychain-worker.js`): serve at once. Required by the
// single-file executable's entry (its hidden keychain mode): the entry calls it.
if (require.main === module) serveKeychainRequests();
