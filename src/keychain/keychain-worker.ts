/**
 * The thread that talks to the OS keychain (see `createOsKeychain`). @napi-rs/keyring's calls
 * are synchronous and can block indefinitely — a silent D-Bus peer, a keyring waiting for an
 * unlock prompt — so they run here, where a stuck call blocks only this thread, while the main
 * thread waits for the answer with a deadline. Self-contained: it imports nothing of ours, so
 * that its bundle shares no module with the main one.
 */
import { type MessagePort, workerData } from 'node:worker_threads';

interface NapiEntry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deletePassword(): boolean;
}

interface NapiKeyring {
  Entry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => NapiEntry;
  findCredentials(service: string): { account: string; password: string }[];
}

interface Request {
  readonly op: 'get' | 'set' | 'delete' | 'list';
  readonly service: string;
  readonly account: string;
  readonly secret: string;
}

const { done, port, platform } = workerData as { done: Int32Array; port: MessagePort; platform: NodeJS.Platform };
// Pinned to the Secret Service on Linux: no silent fallback to the kernel keyring.
const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
let keyring: NapiKeyring | undefined;

function run(request: Request): unknown {
  keyring ??= require('@napi-rs/keyring') as NapiKeyring;
  const entry = (): NapiEntry => new (keyring as NapiKeyring).Entry(request.service, request.account, options);
  switch (request.op) {
    case 'get':
      return entry().getPassword() ?? undefined;
    case 'set':
      return entry().setPassword(request.secret);
    case 'delete':
      return entry().deletePassword();
    case 'list':
      return keyring.findCredentials(request.service).map((c) => ({ account: c.account, secret: c.password }));
  }
}

port.on('message', (request: Request) => {
  let reply: { ok: true; value: unknown } | { ok: false; error: string };
  try {
    reply = { ok: true, value: run(request) };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
