/*
 * The rule of helpers/platform.ts, as itAsRoot and describeWithSecretService apply it: on
 * Linux a missing requirement skips outside CI and fails in CI; on macOS and Windows the
 * Linux-only tests skip, CI=true or not. The helpers are loaded afresh for a pretended
 * platform, user and CI setting, with `it`/`describe` replaced by recorders.
 */

type Recorded = [kind: string, name: string, fn?: () => unknown];

const saved = { platform: process.platform, getuid: process.getuid, ci: process.env.CI, it: globalThis.it, describe: globalThis.describe };

function pretend(platform: NodeJS.Platform, uid: number | undefined, ci: string | undefined): void {
  Object.defineProperty(process, 'platform', { value: platform, configurable: true });
  Object.defineProperty(process, 'getuid', { value: uid === undefined ? undefined : () => uid, configurable: true, writable: true });
  if (ci === undefined) delete process.env.CI;
  else process.env.CI = ci;
}

function restore(): void {
  Object.defineProperty(process, 'platform', { value: saved.platform, configurable: true });
  Object.defineProperty(process, 'getuid', { value: saved.getuid, configurable: true, writable: true });
  if (saved.ci === undefined) delete process.env.CI;
  else process.env.CI = saved.ci;
}

afterEach(restore);

/** Runs `register` with `it` and `describe` recording what they were asked to do. */
function record(register: () => void): Recorded[] {
  const calls: Recorded[] = [];
  const recorder = (kind: string) =>
    Object.assign((name: string, fn?: () => unknown) => calls.push([kind, name, fn]), {
      skip: (name: string, fn?: () => unknown) => calls.push([`${kind}.skip`, name, fn]),
    });
  Object.assign(globalThis, { it: recorder('it'), describe: recorder('describe') });
  try {
    register();
  } finally {
    Object.assign(globalThis, { it: saved.it, describe: saved.describe });
  }
  return calls;
}

function loadRoot(): typeof import('../helpers/root') {
  let loaded: typeof import('../helpers/root') | undefined;
  jest.isolateModules(() => {
    loaded = require('../helpers/root');
  });
  if (!loaded) throw new Error('helpers/root did not load');
  return loaded;
}

function loadSecretService(): typeof import('../helpers/secret-service') {
  let loaded: typeof import('../helpers/secret-service') | undefined;
  jest.isolateModules(() => {
    loaded = require('../helpers/secret-service');
  });
  if (!loaded) throw new Error('helpers/secret-service did not load');
  return loaded;
}

const body = async (): Promise<void> => undefined;

describe('itAsRoot', () => {
  it.each([
    ['darwin', 501, 'true', 'it.skip', 'chowns [skipped: Linux only, this is darwin]'],
    ['darwin', 0, 'true', 'it.skip', 'chowns [skipped: Linux only, this is darwin]'],
    ['win32', undefined, 'true', 'it.skip', 'chowns [skipped: Linux only, this is win32]'],
    ['linux', 1000, undefined, 'it.skip', 'chowns [skipped: needs root]'],
    ['linux', 0, 'true', 'it', 'chowns'],
    ['linux', 0, undefined, 'it', 'chowns'],
  ] as const)('on %s, uid %s, CI=%s: %s %j', (platform, uid, ci, kind, name) => {
    pretend(platform, uid, ci);
    const { itAsRoot } = loadRoot();
    expect(record(() => itAsRoot('chowns', body)).map(([k, n]) => [k, n])).toEqual([[kind, name]]);
  });

  it('on Linux in CI without root: a test that fails and says why', () => {
    pretend('linux', 1000, 'true');
    const { itAsRoot } = loadRoot();
    const [call] = record(() => itAsRoot('chowns', body));
    expect(call?.[0]).toBe('it');
    expect(() => call?.[2]?.()).toThrow('"chowns" needs root, and CI must run it: run .ci/run as root');
  });
});

describe('describeWithSecretService', () => {
  // secret-service.ts brings temp-dir.ts, which registers an afterAll hook: it loads here, while
  // the tests are collected, not inside a test.
  for (const platform of ['darwin', 'win32'] as const) {
    pretend(platform, 501, 'true');
    const { describeWithSecretService } = loadSecretService();
    const calls = record(() => describeWithSecretService('keychain', () => undefined));
    restore();
    it(`on ${platform} in CI: skipped, not failed`, () => {
      expect(calls.map(([k, n]) => [k, n])).toEqual([
        ['describe.skip', `keychain [skipped: the Secret Service is Linux only, this is ${platform}]`],
      ]);
    });
  }
});

function loadPlatform(): typeof import('../helpers/platform') {
  let loaded: typeof import('../helpers/platform') | undefined;
  jest.isolateModules(() => {
    loaded = require('../helpers/platform');
  });
  if (!loaded) throw new Error('helpers/platform did not load');
  return loaded;
}

describe('itOnUnix, eachOnUnix, describeOnUnix, describeOnLinux', () => {
  it.each([
    ['linux', 'true', 'it'],
    ['darwin', 'true', 'it'],
    ['win32', 'true', 'it.skip'],
    ['win32', undefined, 'it.skip'],
  ] as const)('on %s, CI=%s: %s', (platform, ci, kind) => {
    pretend(platform, platform === 'win32' ? undefined : 501, ci);
    const { itOnUnix, eachOnUnix, describeOnUnix, describeOnLinux } = loadPlatform();
    const skipped = kind === 'it.skip';
    expect(record(() => itOnUnix('a FIFO', 'mkfifo', body)).map(([k, n]) => [k, n])).toEqual([
      [kind, skipped ? 'a FIFO [skipped: Unix only (mkfifo), this is win32]' : 'a FIFO'],
    ]);
    expect(record(() => describeOnUnix('modes', 'POSIX modes', () => undefined)).map(([k, n]) => [k, n])).toEqual([
      [skipped ? 'describe.skip' : 'describe', skipped ? 'modes [skipped: Unix only (POSIX modes), this is win32]' : 'modes'],
    ]);
    expect(record(() => describeOnLinux('bus', 'D-Bus', () => undefined)).map(([k, n]) => [k, n])).toEqual([
      platform === 'linux' ? ['describe', 'bus'] : ['describe.skip', `bus [skipped: D-Bus is Linux only, this is ${platform}]`],
    ]);
    // it.each is not recorded (the recorder has no .each): it must at least not run the rows here.
    const each = jest.fn();
    const saveIt = globalThis.it;
    const eachRecorder = Object.assign(() => undefined, {
      each: (rows: unknown[][]) => (name: string) => each('it', name, rows.length),
      skip: { each: (rows: unknown[][]) => (name: string) => each('it.skip', name, rows.length) },
    });
    Object.assign(globalThis, { it: eachRecorder });
    try {
      eachOnUnix([['a'], ['b']], 'mkfifo')('%s', body);
    } finally {
      Object.assign(globalThis, { it: saveIt });
    }
    expect(each.mock.calls).toEqual([[kind, skipped ? '%s [skipped: Unix only (mkfifo), this is win32]' : '%s', 2]]);
  });

  it('SELF_KILLED: a signal on Unix, exit status 1 on Windows (TerminateProcess)', () => {
    pretend('darwin', 501, 'true');
    expect(loadPlatform().SELF_KILLED).toEqual({ code: null, signal: 'SIGKILL' });
    pretend('win32', undefined, 'true');
    expect(loadPlatform().SELF_KILLED).toEqual({ code: 1, signal: null });
  });
});
