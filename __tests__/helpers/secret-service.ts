import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun, notLinux } from './platform';
import { makeTempDir } from './temp-dir';

/**
 * A private D-Bus session bus, with or without a real Secret Service (gnome-keyring) on it,
 * for tests. The bus has no service directories, so nothing is started behind our back
 * (no auto-activated, locked keyring waiting for a prompt that never comes).
 */
export interface TestSession {
  /** Environment for processes that should use this session. */
  readonly env: Record<string, string>;
  /** Where gnome-keyring keeps its (encrypted) keyring files. */
  readonly dataDir: string;
  /**
   * How the session's daemons ended before `stop` (gnome-keyring crashed, the bus went away),
   * with the end of what they wrote on stderr; undefined while they run. A test that meets
   * keychain errors says this instead of blaming the helper.
   */
  ended(): string | undefined;
  stop(): Promise<void>;
}

const REQUIRED = ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon'];

/** The programs missing on this machine (empty when the keychain tests can run). */
export function missingSecretServicePrograms(): string[] {
  return REQUIRED.filter((program) => {
    try {
      execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * `describe` for tests that need a real Secret Service (Linux): skipped with a message where
 * the programs are missing, except in CI (CI=true), where that fails loudly; skipped on other
 * platforms, whose keychain is their own (helpers/platform.ts).
 */
export function describeWithSecretService(name: string, fn: () => void): void {
  if (notLinux) {
    describe.skip(`${name} [skipped: the Secret Service is ${notLinux}]`, fn);
    return;
  }
  const missing = missingSecretServicePrograms();
  if (missing.length === 0) {
    describe(name, fn);
  } else if (mustRun) {
    describe(name, () => {
      it('has a Secret Service to test against', () => {
        throw new Error(`missing ${missing.join(', ')}: .ci/run must install gnome-keyring and dbus-x11`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: install gnome-keyring and dbus-x11 to run these; missing ${missing.join(', ')}]`, fn);
  }
}

const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

function waitForLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('dbus-daemon printed no address')), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, newline).trim());
      }
    });
  });
}

/** How much of a daemon's stderr is kept: the end, where a crash says why. */
const STDERR_KEPT = 4000;

/**
 * A daemon of the session: its process, and how it ended if it did so on its own. Its stderr
 * is kept (the end of it), not shown: gnome-keyring says on stderr why it aborts (GLib's
 * CRITICAL and ERROR lines), and nowhere else in a container without syslog.
 *
 * gnome-keyring does abort under many short-lived clients (42.1 on Debian 12, still in 50.0):
 * its OpenSession finds no record for the calling client ("gkd_secret_service_get_pkcs11_session:
 * assertion 'client' failed"), passes a NULL reply on, and GLib ends it with SIGTRAP
 * ("g_variant_new: expected GVariant of type 'v' but received value has type '(null)'"). Seen
 * with plain @napi-rs/keyring clients that are never killed, too; reported in
 * https://github.com/omacom/omarchy/issues/11590 (and the GNOME issues it links).
 */
interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  stderr: string;
  stopping: boolean;
  ended: string | undefined;
}

function watchDaemon(name: string, child: ChildProcess): Daemon {
  const daemon: Daemon = { name, child, stderr: '', stopping: false, ended: undefined };
  child.stderr?.on('data', (d: Buffer) => {
    daemon.stderr = (daemon.stderr + d.toString()).slice(-STDERR_KEPT);
  });
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (daemon.stopping) return;
    const how = signal ? `crashed (signal ${signal})` : `exited by itself (status ${code})`;
    daemon.ended = `the test's ${name} (pid ${child.pid}) ${how} — not the helper`;
  };
  if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  else child.on('exit', onExit);
  return daemon;
}

/** Why `daemon` is gone, with the end of its stderr; undefined while it runs (or once it was stopped). */
function describeEnd(daemon: Daemon): string | undefined {
  if (daemon.ended === undefined) return undefined;
  const said = daemon.stderr.trim();
  return said === '' ? `${daemon.ended}; it wrote nothing on stderr` : `${daemon.ended}; the end of its stderr:\n${said}`;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts a session bus and, if `withKeyring`, gnome-keyring on it: unlocked, or with
 * `locked`, restarted without the password so its login keyring is locked.
 */
export async function startTestSession(options: {
  withKeyring: boolean;
  locked?: boolean;
  /** With `locked`: runs while the keyring is still unlocked (to leave items in it). */
  beforeLocking?: (env: Record<string, string>) => Promise<void>;
}): Promise<TestSession> {
  const base = makeTempDir('ecr-login-dbus-');
  const dataDir = path.join(base, 'data');
  const runtimeDir = path.join(base, 'run');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  fs.mkdirSync(runtimeDir, { mode: 0o700 });
  const configFile = path.join(base, 'bus.conf');
  fs.writeFileSync(configFile, BUS_CONFIG);

  const bus = spawn('dbus-daemon', [`--config-file=${configFile}`, '--nofork', '--nopidfile', '--print-address=1'], {
    // Its stderr is kept for when it ends by itself (otherwise it only ever says it could not
    // raise its fd limit).
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const address = await waitForLine(bus, 5000);
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: dataDir, XDG_RUNTIME_DIR: runtimeDir };
  const daemons: Daemon[] = [watchDaemon('dbus-daemon', bus)];

  const startKeyring = async (unlock: boolean): Promise<ChildProcess> => {
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', ...(unlock ? ['--unlock'] : []), '--components=secrets'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base, ...env },
      stdio: [unlock ? 'pipe' : 'ignore', 'ignore', 'pipe'],
    });
    keyring.stdin?.end('test-keyring-password');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const owned = execFileSync(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      if (owned.includes('boolean true')) return keyring;
      if (Date.now() > deadline) throw new Error('gnome-keyring-daemon did not come up on the test bus');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  if (options.withKeyring) {
    let keyring = await startKeyring(true);
    if (options.locked) {
      await options.beforeLocking?.(env);
      // The first run created the login keyring (encrypted with the password); without the
      // password the second run cannot open it.
      await stopChild(keyring);
      keyring = await startKeyring(false);
    }
    daemons.push(watchDaemon('gnome-keyring-daemon', keyring));
  }

  return {
    env,
    dataDir,
    ended: () => {
      const ends = daemons.map(describeEnd).filter((end) => end !== undefined);
      return ends.length === 0 ? undefined : ends.join('\n');
    },
    stop: async () => {
      for (const daemon of daemons.reverse()) {
        daemon.stopping = true;
        await stopChild(daemon.child);
      }
    },
  };
}

/**
 * Throws when `session`'s daemons ended by themselves (`TestSession.ended`): a test's keychain
 * errors are then the test's Secret Service failing, and its failure says so first.
 */
export function expectSessionRunning(session: TestSession): void {
  const ended = session.ended();
  if (ended !== undefined) throw new Error(ended);
}

/** One item of a session's Secret Service as stored: its account and its bytes. */
export interface StoredItem {
  readonly account: string;
  readonly blob: Buffer;
}

/**
 * Runs @napi-rs/keyring in a Node process of its own on `session`'s D-Bus (the addon connects
 * to the bus named in its environment), outside the helper: to see the items as stored, and
 * to write them as earlier versions of the helper did.
 */
function runKeyring(session: TestSession, script: string, args: readonly string[]): string {
  const keyring = require.resolve('@napi-rs/keyring');
  return execFileSync(
    process.execPath,
    [
      '-e',
      `const k = require(${JSON.stringify(keyring)}); const args = process.argv.slice(1); const o = { linux: { store: 'secret-service' } };\n${script}`,
      ...args,
    ],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: makeTempDir(), ...session.env }, encoding: 'utf8' },
  );
}

/** Every item of `service`, with its bytes exactly as stored (`getSecret`). */
export function readStoredItems(session: TestSession, service: string): StoredItem[] {
  const out = runKeyring(
    session,
    `const found = k.findCredentials(args[0]).map((c) => ({ account: c.account, blob: Buffer.from(new k.Entry(args[0], c.account, o).getSecret()).toString('base64') }));
process.stdout.write(JSON.stringify(found));`,
    [service],
  );
  return (JSON.parse(out) as { account: string; blob: string }[])
    .map(({ account, blob }) => ({ account, blob: Buffer.from(blob, 'base64') }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/** Writes an item as versions before split items did: its text with `setPassword`. */
export function writeItemAsBefore(session: TestSession, service: string, account: string, text: string): void {
  runKeyring(session, 'new k.Entry(args[0], args[1], o).setPassword(args[2]);', [service, account, text]);
}

/** Deletes one item behind the helper's back. */
export function deleteStoredItem(session: TestSession, service: string, account: string): void {
  runKeyring(session, 'new k.Entry(args[0], args[1], o).deletePassword();', [service, account]);
}

/**
 * How many times a test runs in all when the daemon crashes under it: 12 clients at once took
 * two daemons down in a row in one CI run (2026-12-03), the helper answering correctly each time.
 */
const DAEMON_CRASH_ATTEMPTS = 3;

/**
 * `it` for the tests of a block that share one session. gnome-keyring 42.1 (Debian 12) now and
 * then aborts (SIGTRAP in OpenSession, a client record gone) under many short-lived clients;
 * a test that failed while that happened says nothing of the helper. Such a test runs again
 * on a fresh session (`restart`), printing why, up to `DAEMON_CRASH_ATTEMPTS` runs in all; a
 * failure with the daemon running, or a crash in the last run, fails as it is. A crash during
 * a test that passed restarts the session for the next one.
 */
function itRerunOnDaemonCrash(session: () => TestSession, restart: () => Promise<void>) {
  return (name: string, fn: () => Promise<void>, timeoutMs?: number): void =>
    it(
      name,
      async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            await fn();
            break;
          } catch (error) {
            const crashed = session().ended();
            if (crashed === undefined || attempt === DAEMON_CRASH_ATTEMPTS) throw error;
            console.warn(
              `"${name}" runs again (run ${attempt + 1} of at most ${DAEMON_CRASH_ATTEMPTS}) on a fresh Secret Service: ${crashed}`,
            );
            await restart();
          }
        }
        const crashed = session().ended();
        if (crashed !== undefined) {
          console.warn(`a fresh Secret Service for the next test: ${crashed}`);
          await restart();
        }
      },
      timeoutMs,
    );
}

/**
 * One Secret Service for a describe block — started before its tests, stopped after — and the
 * block's `it`, which runs a test the daemon's crash takes down again on a fresh session, up to
 * `DAEMON_CRASH_ATTEMPTS` runs (`itRerunOnDaemonCrash`), calling `onRestart` (an emulator
 * reset) before each rerun.
 * `session` stands for whichever session is current.
 */
export function useSharedTestSession(onRestart: () => void = () => undefined): {
  session: TestSession;
  it: ReturnType<typeof itRerunOnDaemonCrash>;
} {
  let current: TestSession | undefined;
  beforeAll(async () => {
    current = await startTestSession({ withKeyring: true });
  });
  afterAll(() => current?.stop());
  const now = (): TestSession => {
    if (!current) throw new Error('the Secret Service is used outside a test');
    return current;
  };
  const session = new Proxy({} as TestSession, {
    get(_target, property) {
      const value: unknown = Reflect.get(now(), property);
      return typeof value === 'function' ? value.bind(now()) : value;
    },
  });
  const it = itRerunOnDaemonCrash(now, async () => {
    await current?.stop();
    current = await startTestSession({ withKeyring: true });
    onRestart();
  });
  return { session, it };
}
