import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { KeychainUnavailableError } from '../../../src/errors';
import { createOsKeychain } from '../../../src/keychain/os-keychain';
import { hostFs } from '../../helpers/host-fs';

type Answer = { ok: true; value: unknown } | { ok: false; error: string } | 'silent';

/**
 * A keychain process that answers each request with the next of `answers` (then 'silent'),
 * recording the requests, whether it was killed, and how often it was started.
 */
function fakeWorker(answers: Answer[]) {
  const requests: { op: string; service: string; account: string; blob: string }[] = [];
  const killed: string[] = [];
  let started = 0;
  const spawn = (): ChildProcess => {
    started += 1;
    const child = new EventEmitter() as ChildProcess & EventEmitter;
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    Object.assign(child, { stdin, stdout, stderr: null, unref: () => undefined });
    child.kill = ((signal?: NodeJS.Signals) => {
      killed.push(String(signal));
      queueMicrotask(() => child.emit('exit', null, signal));
      return true;
    }) as ChildProcess['kill'];
    let buffer = '';
    stdin.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
        const request = JSON.parse(buffer.slice(0, at)) as { id: number; op: string; service: string; account: string; blob: string };
        buffer = buffer.slice(at + 1);
        requests.push({ op: request.op, service: request.service, account: request.account, blob: request.blob });
        const answer = answers.shift() ?? 'silent';
        if (answer !== 'silent') stdout.write(`${JSON.stringify({ id: request.id, ...answer })}\n`);
      }
    });
    return child;
  };
  return { spawn, requests, killed, started: () => started };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

const keychainWith = (worker: ReturnType<typeof fakeWorker>, timeoutMs = 200) =>
  createOsKeychain({ platform: 'linux', command: ['keychain-worker'], env: {}, timeoutMs, spawn: worker.spawn, fsPlatform: hostFs() });

/** What gnome-keyring says of an item deleted between a search and a read. */
const VANISHED_GNOME =
  'Platform failure: DBus error: No such interface “org.freedesktop.Secret.Item” on object at path /org/freedesktop/secrets/collection/login/7';

describe('createOsKeychain: the native calls in a child process', () => {
  it('sends each call as a request and returns its answer; one process for all calls', async () => {
    const worker = fakeWorker([
      { ok: true, value: b64('secret') },
      { ok: true, value: undefined },
      { ok: true, value: [{ account: 'a', blob: b64('s') }] },
      { ok: true, value: undefined },
    ]);
    const keychain = keychainWith(worker);
    expect(await keychain.get('svc', 'a')).toEqual(Buffer.from('secret'));
    expect(await keychain.set('svc', 'b', Buffer.from('x\u00e9'))).toBeUndefined();
    expect(await keychain.list('svc')).toEqual([{ account: 'a', blob: Buffer.from('s') }]);
    expect(await keychain.get('svc', 'missing')).toBeUndefined();
    expect(worker.requests.map((r) => r.op)).toEqual(['get', 'set', 'list', 'get']);
    expect(worker.started()).toBe(1);
  });

  it('bytes travel as base64 both ways, exactly (no text decoding on the way)', async () => {
    const bytes = Buffer.from([0x7e, 0x31, 0x3d, 0xff, 0x00, 0x0a]);
    const worker = fakeWorker([{ ok: true, value: undefined }]);
    await keychainWith(worker).set('svc', 'a', bytes);
    expect(Buffer.from(worker.requests[0]?.blob ?? '', 'base64')).toEqual(bytes);
  });

  it.each([
    ['gnome-keyring’s wording', VANISHED_GNOME],
    ['the D-Bus error name', 'org.freedesktop.DBus.Error.UnknownObject: gone'],
    ['No such object path', 'No such object path /org/freedesktop/secrets/collection/login/7'],
  ])('an item that vanished during a read (%s) is a race: tried again', async (_what, error) => {
    const worker = fakeWorker([
      { ok: false, error },
      { ok: true, value: [{ account: 'a', blob: b64('s') }] },
    ]);
    expect(await keychainWith(worker).list('svc')).toEqual([{ account: 'a', blob: Buffer.from('s') }]);
  });

  it('list is never answered empty for items that keep vanishing: unavailable instead', async () => {
    const worker = fakeWorker(Array(5).fill({ ok: false, error: VANISHED_GNOME }));
    await expect(keychainWith(worker).list('svc')).rejects.toThrow(/items kept vanishing while they were read/);
    expect(worker.requests).toHaveLength(5);
  });

  it('get of an item that stays vanished is absent', async () => {
    const worker = fakeWorker(Array(5).fill({ ok: false, error: VANISHED_GNOME }));
    expect(await keychainWith(worker).get('svc', 'a')).toBeUndefined();
  });

  it('any other error: unavailable, with the keychain’s words', async () => {
    const worker = fakeWorker([{ ok: false, error: 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided' }]);
    const failure = keychainWith(worker).get('svc', 'a');
    await expect(failure).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(failure).rejects.toThrow('no usable Secret Service keychain (Platform failure: DBus error: The name');
  });

  it('a call with no answer by the deadline: the process is killed, and every later call fails at once', async () => {
    const worker = fakeWorker(['silent']);
    const keychain = keychainWith(worker, 100);
    await expect(keychain.get('svc', 'a')).rejects.toThrow('it did not answer within 0.1 s');
    expect(worker.killed).toEqual(['SIGKILL']);
    // Without asking (or starting) a keychain process again.
    await expect(keychain.list('svc')).rejects.toThrow('it did not answer within 0.1 s');
    expect(worker.requests).toHaveLength(1);
    expect(worker.started()).toBe(1);
  });

  it.each([
    [
      'macOS, no answer: an access prompt may be waiting',
      'darwin',
      'silent',
      'the macOS Keychain is not accessible (it did not answer within 0.1 s; an access prompt may be waiting): run the command once in Terminal and choose Always Allow, or unlock the keychain (security unlock-keychain)',
    ],
    [
      'macOS, a refusal: unlock it',
      'darwin',
      { ok: false, error: 'User interaction is not allowed.' },
      'the macOS Keychain is not accessible (User interaction is not allowed.): unlock it (security unlock-keychain)',
    ],
    [
      'Linux, no answer: the Secret Service hint as before',
      'linux',
      'silent',
      'no usable Secret Service keychain (it did not answer within 0.1 s): run one (e.g. gnome-keyring) in your D-Bus session and unlock it',
    ],
  ] as const)('%s', async (_what, platform, answer, hint) => {
    const worker = fakeWorker([answer]);
    const keychain = createOsKeychain({
      platform,
      command: ['keychain-worker'],
      env: {},
      timeoutMs: 100,
      spawn: worker.spawn,
      fsPlatform: hostFs(),
    });
    const failure = keychain.get('svc', 'a');
    await expect(failure).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(failure).rejects.toThrow(hint);
    await expect(failure).rejects.toMatchObject({ hint });
  });
});
