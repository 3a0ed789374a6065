import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { runLoadScenario } from '../helpers/load-scenario';
import { describeOnLinux } from '../helpers/platform';
import { describeExeOnly, runHelper, runProvider, startHelper } from '../helpers/run-helper';
import {
  deleteStoredItem,
  describeWithSecretService,
  expectSessionRunning,
  readStoredItems,
  type StoredItem,
  startTestSession,
  type TestSession,
  useSharedTestSession,
  writeItemAsBefore,
} from '../helpers/secret-service';
import { startSilentServer, startSilentUnixSocket } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const HOST = '123456789012.dkr.ecr.ca-central-1.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';

const emulator = useEmulator();

const ecrCalls = () => emulator.calls.filter((c) => c.service === 'ecr');

/** Every file under `dir`, read as text (to look for secrets on disk). */
function allFileContents(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

/** A fresh HOME for a helper that talks to the emulator and uses this D-Bus session. */
function sessionEnvironment(session: TestSession, extra: Record<string, string> = {}) {
  const home = makeTempDir();
  return { home, env: { HOME: home, ...emulator.env(), ...session.env, ...extra } };
}

describeWithSecretService('with a real Secret Service (gnome-keyring on a private D-Bus session)', () => {
  const { session, it } = useSharedTestSession(() => emulator.reset());

  it('AWS_ECR_CACHE_BACKEND=keychain: hits across processes, and no token on disk', async () => {
    const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain', AWS_ECR_LOG_LEVEL: 'debug' });
    const first = await runHelper(['get'], HOST, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await runHelper(['get'], HOST, env);
    expect(JSON.parse(second.stdout).Secret).toBe(JSON.parse(first.stdout).Secret);
    expect(ecrCalls()).toHaveLength(1);
    const password = emulator.issued[0]?.password ?? 'missing';
    const base64Token = Buffer.from(`AWS:${password}`).toString('base64');
    const onDisk = allFileContents(home) + allFileContents(session.dataDir);
    expect(onDisk).not.toContain(password.slice(0, 64));
    expect(onDisk).not.toContain(base64Token.slice(0, 64));
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
    const list = await runHelper(['list'], '', env);
    expect(JSON.parse(list.stdout)).toMatchObject({ [`https://${HOST}`]: 'AWS' });
  });

  it('keychain backend keeps single flight: 12 concurrent cold gets, one ECR call', async () => {
    emulator.faults.delayMs = 300;
    const { env } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain' });
    // A registry no other test here has cached (the keychain is shared by this session).
    const host = '210987654321.dkr.ecr.ca-central-1.amazonaws.com';
    const results = await Promise.all(Array.from({ length: 12 }, () => runHelper(['get'], host, env)));
    expect(results.map((r) => r.code)).toEqual(Array(12).fill(0));
    // Empty stderr everywhere: no process met a keychain error and fell back to fetching.
    expect(results.map((r) => r.stderr)).toEqual(Array(12).fill(''));
    expect(new Set(results.map((r) => JSON.parse(r.stdout).Secret)).size).toBe(1);
    expect(ecrCalls()).toHaveLength(1);
  });

  it('credsStore: store, get, list and erase for other registries; Docker Hub under any of its names', async () => {
    const { env } = sessionEnvironment(session);
    const store = (url: string, user: string, secret: string) =>
      runHelper(['store'], JSON.stringify({ ServerURL: url, Username: user, Secret: secret }), env);
    expect(await store('https://index.docker.io/v1/', 'hubuser', 'hub-pass')).toMatchObject({ code: 0, stdout: '' });
    expect(await store('registry.example.com', '<token>', 'identity-token')).toMatchObject({ code: 0 });
    for (const name of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']) {
      const got = await runHelper(['get'], name, env);
      expect(JSON.parse(got.stdout)).toEqual({ ServerURL: name, Username: 'hubuser', Secret: 'hub-pass' });
    }
    expect(JSON.parse((await runHelper(['get'], 'registry.example.com', env)).stdout)).toMatchObject({
      Username: '<token>',
      Secret: 'identity-token',
    });
    await runHelper(['get'], HOST, env);
    expect(JSON.parse((await runHelper(['list'], '', env)).stdout)).toEqual({
      'https://index.docker.io/v1/': 'hubuser',
      'registry.example.com': '<token>',
      [`https://${HOST}`]: 'AWS',
    });
    expect((await runHelper(['erase'], 'docker.io', env)).code).toBe(0);
    expect(await runHelper(['get'], 'https://index.docker.io/v1/', env)).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(await runHelper(['erase'], 'docker.io', env)).toMatchObject({ code: 1, stdout: NOT_FOUND });
  });

  it('ECR hosts keep their behaviour in credsStore mode: store is a no-op, tokens come from ECR', async () => {
    const { env } = sessionEnvironment(session);
    expect((await runHelper(['store'], JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'old' }), env)).code).toBe(0);
    const got = await runHelper(['get'], HOST, env);
    expect(JSON.parse(got.stdout).Secret).toBe(emulator.issued[0]?.password);
  });
});

const TOKENS = 'docker-credential-ecr-login/tokens';
const CREDENTIALS = 'docker-credential-ecr-login/credentials';
/** Windows Credential Manager's limit for one item (CRED_MAX_CREDENTIAL_BLOB_SIZE); macOS's as chosen. */
const WINDOWS_ITEM_BYTES = '2560';
const MACOS_ITEM_BYTES = '16384';

/** Accounts of the stored items, and whether each is within `limit` bytes. */
const accountsOf = (items: readonly StoredItem[]) => items.map((i) => i.account);
const largestOf = (items: readonly StoredItem[]) => Math.max(...items.map((i) => i.blob.length));

describeWithSecretService('keychain items of a platform’s size, split in a real Secret Service (AWS_ECR_KEYCHAIN_ITEM_BYTES)', () => {
  // A keychain of its own per test: the assertions count the items stored.
  let session: TestSession;
  beforeEach(async () => {
    session = await startTestSession({ withKeyring: true });
  });
  afterEach(async () => {
    const ended = session.ended();
    await session.stop();
    if (ended !== undefined) throw new Error(ended);
  });

  it.each<[string, string, number]>([
    ['Windows’ 2,560 bytes: a header and 2 parts', WINDOWS_ITEM_BYTES, 3],
    ['600 bytes: a header and 6 parts', '600', 7],
    ['macOS’ 16 KiB: one item', MACOS_ITEM_BYTES, 1],
  ])(
    'the token cache with a 2,900-character ECR password, items of %s; a hit the second time, listed once',
    async (_what, limit, items) => {
      emulator.faults.passwordLength = 2900;
      const { env } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain', AWS_ECR_KEYCHAIN_ITEM_BYTES: limit });
      const first = await runHelper(['get'], HOST, env);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(first.stdout).Secret).toHaveLength(2900);
      const stored = readStoredItems(session, TOKENS).filter((i) => i.account !== '.salt');
      expect(stored).toHaveLength(items);
      expect(largestOf(stored)).toBeLessThanOrEqual(Number(limit));
      const [header] = accountsOf(stored);
      expect(accountsOf(stored)).toEqual([header, ...Array.from({ length: items - 1 }, (_, i) => `${header}#${i + 1}`)]);
      // The password is in no item whole when split; put together, the items hold it.
      if (items > 1) expect(stored.some((i) => i.blob.includes(emulator.issued[0]?.password ?? 'missing'))).toBe(false);
      const second = await runHelper(['get'], HOST, env);
      expect(second).toMatchObject({ code: 0, stderr: '', stdout: first.stdout });
      expect(ecrCalls()).toHaveLength(1);
      expect(JSON.parse((await runHelper(['list'], '', env)).stdout)).toEqual({ [`https://${HOST}`]: 'AWS' });
    },
  );

  it('credsStore with Windows’ 2,560 bytes: a 3.2 KB refresh token is stored in 3 items, got whole, listed once, erased completely', async () => {
    const { env } = sessionEnvironment(session, { AWS_ECR_KEYCHAIN_ITEM_BYTES: WINDOWS_ITEM_BYTES });
    const refresh = Buffer.from(Array.from({ length: 2400 }, (_, i) => (i * 37) % 256))
      .toString('base64')
      .slice(0, 3200);
    const stored = await runHelper(
      ['store'],
      JSON.stringify({ ServerURL: 'myregistry.azurecr.io', Username: '<token>', Secret: refresh }),
      env,
    );
    expect(stored).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await runHelper(['store'], JSON.stringify({ ServerURL: 'ghcr.io', Username: 'me', Secret: 'short' }), env)).toMatchObject({
      code: 0,
    });
    const items = readStoredItems(session, CREDENTIALS);
    expect(accountsOf(items)).toEqual(['ghcr.io', 'myregistry.azurecr.io', 'myregistry.azurecr.io#1', 'myregistry.azurecr.io#2']);
    expect(largestOf(items)).toBeLessThanOrEqual(2560);
    expect(JSON.parse((await runHelper(['get'], 'https://myregistry.azurecr.io', env)).stdout)).toEqual({
      ServerURL: 'https://myregistry.azurecr.io',
      Username: '<token>',
      Secret: refresh,
    });
    expect(JSON.parse((await runHelper(['list'], '', env)).stdout)).toEqual({ 'myregistry.azurecr.io': '<token>', 'ghcr.io': 'me' });
    expect(await runHelper(['erase'], 'myregistry.azurecr.io', env)).toMatchObject({ code: 0, stdout: '' });
    expect(accountsOf(readStoredItems(session, CREDENTIALS))).toEqual(['ghcr.io']);
    expect(await runHelper(['get'], 'myregistry.azurecr.io', env)).toMatchObject({ code: 1, stdout: NOT_FOUND });
  });

  it('a part deleted behind its back: not-found (never half a secret); the next store makes it whole and leaves no stray part', async () => {
    const { env } = sessionEnvironment(session, { AWS_ECR_KEYCHAIN_ITEM_BYTES: '600' });
    const store = (secret: string) => runHelper(['store'], JSON.stringify({ ServerURL: 'quay.io', Username: 'u', Secret: secret }), env);
    expect(await store('s'.repeat(3000))).toMatchObject({ code: 0 });
    deleteStoredItem(session, CREDENTIALS, 'quay.io#3');
    expect(await runHelper(['get'], 'quay.io', env)).toMatchObject({ code: 1, stdout: NOT_FOUND, stderr: '' });
    expect(JSON.parse((await runHelper(['list'], '', env)).stdout)).toEqual({});
    expect(await store('t'.repeat(1000))).toMatchObject({ code: 0 });
    expect(accountsOf(readStoredItems(session, CREDENTIALS))).toEqual(['quay.io', 'quay.io#1', 'quay.io#2']);
    expect(JSON.parse((await runHelper(['get'], 'quay.io', env)).stdout).Secret).toBe('t'.repeat(1000));
  });

  it('items written by earlier versions (setPassword) are still read, and rewritten in the new form on store', async () => {
    const { env } = sessionEnvironment(session);
    const before = { ServerURL: 'registry.example.com', Username: 'me', Secret: 'pässword' };
    writeItemAsBefore(session, CREDENTIALS, 'registry.example.com', JSON.stringify(before));
    expect(JSON.parse((await runHelper(['get'], 'registry.example.com', env)).stdout)).toEqual(before);
    expect(JSON.parse((await runHelper(['list'], '', env)).stdout)).toEqual({ 'registry.example.com': 'me' });
    expect(await runHelper(['store'], JSON.stringify(before), env)).toMatchObject({ code: 0 });
    const [item] = readStoredItems(session, CREDENTIALS);
    expect(item?.blob.toString('latin1')).toBe('~1={"ServerURL":"registry.example.com","Username":"me","Secret":"p%C3%A4ssword"}');
    expect(JSON.parse((await runHelper(['get'], 'registry.example.com', env)).stdout)).toEqual(before);
  });

  it('the Secret Service’s own limit (none): a 3.2 KB secret in one item', async () => {
    const { env } = sessionEnvironment(session);
    const secret = 'r'.repeat(3200);
    expect(await runHelper(['store'], JSON.stringify({ ServerURL: 'ghcr.io', Username: '<token>', Secret: secret }), env)).toMatchObject({
      code: 0,
    });
    expect(accountsOf(readStoredItems(session, CREDENTIALS))).toEqual(['ghcr.io']);
  });
});

// Bun unpacks the native addon into the temp directory; the helper gives its keychain process a
// private one of its own (<cache dir>/native), so no TMPDIR can break it.
describeExeOnly('the executable’s keychain, whatever TMPDIR is', () => {
  describeWithSecretService('with a real Secret Service', () => {
    let session: TestSession;
    beforeAll(async () => {
      session = await startTestSession({ withKeyring: true });
    });
    afterEach(() => expectSessionRunning(session));
    afterAll(() => session.stop());

    /** A copy of the addon Bun is still writing (renamed to `.bun-<uid>-<hash>.node` when complete). */
    const PARTIAL = /^\.[0-9a-f]{16}-\d+\.node$/;
    const notADirectory = (): string => {
      const file = path.join(makeTempDir(), 'a-file');
      fs.writeFileSync(file, '');
      return file;
    };
    // A registry of its own per case: the keychain is shared by the tests of this session.
    it.each<[string, string, () => Record<string, string>]>([
      ['unset', '210000000001', () => ({})],
      ['a directory that does not exist', '210000000002', () => ({ TMPDIR: path.join(makeTempDir(), 'missing') })],
      ['a file', '210000000003', () => ({ TMPDIR: notADirectory() })],
    ])('TMPDIR %s: tokens are kept in the keychain (a hit the second time), no warning', async (_what, account, tmp) => {
      const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain', ...tmp() });
      const registry = `${account}.dkr.ecr.ca-central-1.amazonaws.com`;
      expect(await runHelper(['get'], registry, env)).toMatchObject({ code: 0, stderr: '' });
      expect(await runHelper(['get'], registry, env)).toMatchObject({ code: 0, stderr: '' });
      expect(ecrCalls()).toHaveLength(1);
      expect(fs.readdirSync(path.join(home, '.ecr', 'native')).filter((f) => f.endsWith('.node'))).toHaveLength(1);
    });

    it('a half-written addon copy a killed process left (older than 60 s) is removed; a fresh one is kept', async () => {
      const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain' });
      const native = path.join(home, '.ecr', 'native');
      fs.mkdirSync(native, { recursive: true, mode: 0o700 });
      fs.chmodSync(path.join(home, '.ecr'), 0o700);
      const stale = path.join(native, '.0123456789abcdef-0.node');
      const fresh = path.join(native, '.fedcba9876543210-0.node');
      fs.writeFileSync(stale, 'half');
      fs.writeFileSync(fresh, 'half');
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(stale, old, old);
      expect(await runHelper(['get'], HOST, env)).toMatchObject({ code: 0, stderr: '' });
      expect([fs.existsSync(stale), fs.existsSync(fresh)]).toEqual([false, true]);
    });

    it('killed while the keychain process starts (unpacking the addon): the next run works, and a minute later no partial copy is left', async () => {
      const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain' });
      const native = path.join(home, '.ecr', 'native');
      const first = startHelper(['get'], HOST, env);
      // The keychain process is started on the first keychain call, before any network call.
      await waitFor(() => fs.existsSync(native), 10_000, 'the native directory');
      first.child.kill('SIGKILL');
      await first.result;
      // What the kill left, as it looks a minute later.
      const old = new Date(Date.now() - 120_000);
      for (const name of fs.readdirSync(native)) if (PARTIAL.test(name)) fs.utimesSync(path.join(native, name), old, old);
      expect(await runHelper(['get'], HOST, env)).toMatchObject({ code: 0, stderr: '' });
      const left = fs.readdirSync(native);
      expect(left.filter((name) => PARTIAL.test(name))).toEqual([]);
      expect(left.filter((name) => name.startsWith('.bun-'))).toHaveLength(1);
    });
  });
});

describeWithSecretService('without a Secret Service (a D-Bus session with none on it)', () => {
  let session: TestSession;
  beforeAll(async () => {
    session = await startTestSession({ withKeyring: false });
  });
  afterEach(() => expectSessionRunning(session));
  afterAll(() => session.stop());

  it('get for another registry: not-found, and one line on stderr saying what is missing', async () => {
    const { env } = sessionEnvironment(session);
    const out = await runHelper(['get'], 'ghcr.io', env);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^ecr-login: no usable Secret Service keychain \(.+\): run one \(e\.g\. gnome-keyring\) in your D-Bus session and unlock it$/,
      ),
    ]);
  });

  it('store for another registry fails clearly instead of pretending', async () => {
    const { env } = sessionEnvironment(session);
    const out = await runHelper(['store'], JSON.stringify({ ServerURL: 'ghcr.io', Username: 'u', Secret: 's' }), env);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /^ecr-login cannot store credentials for ghcr\.io: no usable Secret Service keychain \(.+\): run one \(e\.g\. gnome-keyring\) in your D-Bus session and unlock it\n$/,
    );
  });

  it('ECR get with the keychain backend: a fresh token each time, one warning, never a plaintext cache', async () => {
    const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain' });
    const first = await runHelper(['get'], HOST, env);
    const second = await runHelper(['get'], HOST, env);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(ecrCalls()).toHaveLength(2);
    expect(first.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^ecr-login: not caching tokens: no usable Secret Service keychain .*; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file$/,
      ),
    ]);
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
    expect(allFileContents(home)).not.toContain((emulator.issued[0]?.password ?? 'missing').slice(0, 64));
  });

  it('with no D-Bus session at all, the same clear message', async () => {
    const home = makeTempDir();
    const out = await runHelper(['get'], 'ghcr.io', { HOME: home, ...emulator.env() });
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr).toMatch(
      /^ecr-login: no usable Secret Service keychain \(.*DBus.*\): run one \(e\.g\. gnome-keyring\) in your D-Bus session and unlock it\n$/i,
    );
  });
});

describeWithSecretService('with a locked keychain (gnome-keyring running, login keyring locked, no prompter)', () => {
  let session: TestSession;
  beforeAll(async () => {
    session = await startTestSession({
      withKeyring: true,
      locked: true,
      beforeLocking: async (env) => {
        const stored = await runHelper(['store'], JSON.stringify({ ServerURL: 'ghcr.io', Username: 'u', Secret: 's' }), {
          HOME: makeTempDir(),
          ...env,
        });
        if (stored.code !== 0) throw new Error(`could not store before locking: ${stored.stdout}`);
      },
    });
  });
  afterEach(() => expectSessionRunning(session));
  afterAll(() => session.stop());

  const LOCKED =
    /^ecr-login: no usable Secret Service keychain \(.*(unlock|locked|dismissed).*\): run one \(e\.g\. gnome-keyring\) in your D-Bus session and unlock it$/i;

  it('get for a registry stored there: not-found at once, and the reason on stderr', async () => {
    const { env } = sessionEnvironment(session);
    const out = await runHelper(['get'], 'ghcr.io', env);
    expect(out.stdout).toBe(NOT_FOUND);
    expect(out.stderr.trim().split('\n')).toEqual([expect.stringMatching(LOCKED)]);
    expect(out.ms).toBeLessThan(10_000);
  });

  it('store fails with the reason instead of pretending', async () => {
    const { env } = sessionEnvironment(session);
    const out = await runHelper(['store'], JSON.stringify({ ServerURL: 'quay.io', Username: 'u', Secret: 's' }), env);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /^ecr-login cannot store credentials for quay\.io: no usable Secret Service keychain \(.+\): run one \(e\.g\. gnome-keyring\) in your D-Bus session and unlock it\n$/,
    );
  });

  it('ECR get with the keychain backend still answers, with a fresh token', async () => {
    const { env, home } = sessionEnvironment(session, { AWS_ECR_CACHE_BACKEND: 'keychain' });
    const out = await runHelper(['get'], HOST, env);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(out.stderr).toMatch(
      /^ecr-login: not caching tokens: no usable Secret Service keychain \(.+\): .* and unlock it; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file\n$/,
    );
    expect(fs.existsSync(path.join(home, '.ecr', 'tokens.json'))).toBe(false);
  });
});

describeWithSecretService('the keychain backend under load (its own Secret Service)', () => {
  // gnome-keyring 42.1 (Debian 12) can abort (SIGTRAP) in OpenSession when a client's record
  // is gone, under many short-lived clients, killed or not (helpers/secret-service.ts): then
  // every later process rightly reports no Secret Service, and the run says nothing of the
  // helper. The shared session's `it` runs it again on a fresh daemon, saying why.
  const { session, it } = useSharedTestSession(() => emulator.reset());

  it('40 cold gets over 20 registries and 3 identities, some killed: no keychain error, every served entry kept', async () => {
    emulator.faults.delayMs = 50;
    const outcome = await runLoadScenario(emulator, {
      processes: 40,
      registries: 20,
      env: { ...session.env, AWS_ECR_CACHE_BACKEND: 'keychain' },
    });
    expectSessionRunning(session);
    // No process blamed a missing keychain for a race with another one.
    expect(
      outcome.first.filter(({ out }) => out.signal === null && (out.code !== 0 || out.stderr !== '')).map(({ out }) => out.stderr),
    ).toEqual([]);
    // A served pair missing from `list` with a "not caching" line beside it: the writer gave
    // up on the busy write lock (a machine too loaded for 40 at once), not a lost write.
    expect({ missing: outcome.missing, notCached: outcome.notCached }).toEqual({ missing: [], notCached: [] });
    expect(outcome.second.map((r) => [r.code, r.stderr])).toEqual(Array(40).fill([0, '']));
    expect(ecrCalls()).toHaveLength(outcome.neverServed);
  }, 180_000);
});

describeOnLinux('a keychain that never answers (a D-Bus peer that accepts and stays silent)', 'the D-Bus Secret Service', () => {
  let bus: { path: string; close: () => Promise<void> };
  beforeAll(async () => {
    bus = await startSilentUnixSocket(path.join(makeTempDir(), 'silent-bus'));
  });
  afterAll(() => bus.close());

  const env = () => ({
    HOME: makeTempDir(),
    ...emulator.env(),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${bus.path}`,
    AWS_ECR_COMMAND_TIMEOUT: '4',
  });
  const SILENT =
    'no usable Secret Service keychain (it did not answer within 3 s): run one (e.g. gnome-keyring) in your D-Bus session and unlock it';

  // The native call is stuck in the keychain process, which the helper kills at the keychain's
  // deadline: nothing of it stays in the helper, which exits with its answer's own status.
  // (A status that is not 0 makes clients print stdout in their error: for a token, that
  // printed the token.)
  it('list answers without the keychain, and exits 0', async () => {
    const out = await runHelper(['list'], '', env());
    expect(out).toMatchObject({ code: 0, signal: null, stdout: '{}\n', stderr: '' });
  });

  it('get for another registry answers not-found, with the reason, exit 1 (no signal)', async () => {
    const out = await runHelper(['get'], 'ghcr.io', env());
    expect(out).toMatchObject({ code: 1, signal: null, stdout: NOT_FOUND, stderr: `ecr-login: ${SILENT}\n` });
  });

  it('erase for another registry fails with the keychain’s reason, exit 1 (no signal)', async () => {
    const out = await runHelper(['erase'], 'ghcr.io', env());
    expect(out).toMatchObject({ code: 1, signal: null, stdout: `ecr-login cannot erase credentials for ghcr.io: ${SILENT}\n` });
  });

  it('a kubelet request with the keychain backend gets its token, and exits 0', async () => {
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: `${HOST}/app`,
    });
    const out = await runProvider(['get-credentials'], request, { ...env(), AWS_ECR_CACHE_BACKEND: 'keychain' });
    expect(out).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(JSON.parse(out.stdout).auth[HOST].password).toBe(emulator.issued[0]?.password);
  });

  it('doctor with a silent STS too: the report, keychain FAIL included, comes within AWS_ECR_COMMAND_TIMEOUT', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const out = await runHelper(['doctor', HOST, '--json', '--registry-url', silent.url], '', {
        ...env(),
        AWS_ENDPOINT_URL_STS: silent.url,
        AWS_ECR_CACHE_BACKEND: 'keychain',
        AWS_ECR_COMMAND_TIMEOUT: '8',
      });
      expect(Date.now() - started).toBeLessThan(8000);
      const report = JSON.parse(out.stdout) as { checks: { name: string; status: string; detail: string }[] };
      const check = (name: string) => report.checks.find((c) => c.name === name);
      expect(check('sts-identity')?.status).toBe('FAIL');
      expect(check('registry')?.status).toBe('FAIL');
      expect(check('keychain')).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('it did not answer within 1 s') });
    } finally {
      await silent.close();
    }
  });

  it('an ECR get with the keychain backend still gets its token, and exits 0', async () => {
    const out = await runHelper(['get'], HOST, { ...env(), AWS_ECR_CACHE_BACKEND: 'keychain' });
    expect(out).toMatchObject({ code: 0, signal: null });
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(out.stderr).toBe(`ecr-login: not caching tokens: ${SILENT}; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file\n`);
  });
});
