/**
 * The per-platform rule for tests with requirements: a test that needs something only Linux
 * has (mount and network namespaces, a Secret Service on D-Bus, `chown` to another user as
 * root) runs on Linux only. Elsewhere it is skipped and says so, in CI too: CI on macOS and
 * Windows runs the rest of the suite against the platform's own keychain. On Linux a missing
 * requirement skips with a message outside CI, and fails in CI (CI=true), where .ci/run
 * provides everything.
 *
 * A second rule, for tests that need what Linux and macOS share (POSIX modes, FIFOs, a shell):
 * they run on both and skip on Windows, saying why (`itOnUnix`, `eachOnUnix`, `describeOnUnix`).
 * Tests that make symlinks skip on Windows only where it forbids them (`itWithSymlinks`).
 */
export const isLinux = process.platform === 'linux';

/** The reason a Linux-only test is skipped here, or undefined on Linux. */
export const notLinux: string | undefined = isLinux ? undefined : `Linux only, this is ${process.platform}`;

/** Whether a missing requirement must fail the test rather than skip it. */
export const mustRun = isLinux && process.env.CI === 'true';

/**
 * Tests that need what Linux and macOS share and Windows lacks: POSIX modes (Node reports
 * 0o666/0o777 there whatever the ACLs say), FIFOs in the file system (mkfifo), /dev/zero, a
 * shell. On Windows they skip and say why, in CI too; everywhere else they run.
 */
export const isWindows = process.platform === 'win32';

/** The reason a Unix-only test is skipped here (`why` says what it needs), or undefined. */
export function notUnix(why: string): string | undefined {
  return isWindows ? `Unix only (${why}), this is win32` : undefined;
}

type TestFn = jest.ProvidesCallback;

/**
 * Asserts `file`'s permission bits where files have POSIX modes. On Windows, which has none
 * (Node reports 0o666 or 0o777 whatever the ACLs say), it asserts nothing, and the rest of the
 * test still runs there.
 */
export function expectPosixMode(file: string, mode: number): void {
  if (isWindows) return;
  const fs = require('node:fs') as typeof import('node:fs');
  expect([file, (fs.statSync(file).mode & 0o777).toString(8)]).toEqual([file, mode.toString(8)]);
}

/** `it` for a Unix-only test; `why` names what Windows lacks. */
export function itOnUnix(name: string, why: string, fn: TestFn, timeout?: number): void {
  const skip = notUnix(why);
  if (skip) it.skip(`${name} [skipped: ${skip}]`, fn);
  else it(name, fn, timeout);
}

/** `it.each` for Unix-only tests: `eachOnUnix(table, why)(name, fn)`. */
export function eachOnUnix<Row extends readonly unknown[]>(
  table: readonly Row[],
  why: string,
): (name: string, fn: (...row: Row) => void | Promise<void>, timeout?: number) => void {
  const skip = notUnix(why);
  return (name, fn, timeout) => {
    const run = fn as unknown as (...args: unknown[]) => Promise<void>;
    const rows = table as unknown as unknown[][];
    if (skip) it.skip.each(rows)(`${name} [skipped: ${skip}]`, run);
    else it.each(rows)(name, run, timeout);
  };
}

/** `describe` for Unix-only tests; `why` names what Windows lacks. */
export function describeOnUnix(name: string, why: string, fn: () => void): void {
  const skip = notUnix(why);
  if (skip) describe.skip(`${name} [skipped: ${skip}]`, fn);
  else describe(name, fn);
}

/** `describe` for tests of something only Linux has (`why`); skipped elsewhere, in CI too. */
export function describeOnLinux(name: string, why: string, fn: () => void): void {
  if (notLinux) describe.skip(`${name} [skipped: ${why} is ${notLinux}]`, fn);
  else describe(name, fn);
}

/**
 * How a helper that ended itself after a deadline (`process.kill(process.pid, 'SIGKILL')`, see
 * the entry point) looks to its parent: killed by SIGKILL on Unix; on Windows, where that is
 * TerminateProcess with status 1, an exit with status 1 and no signal.
 */
export const SELF_KILLED: { readonly code: number | null; readonly signal: NodeJS.Signals | null } = isWindows
  ? { code: 1, signal: null }
  : { code: null, signal: 'SIGKILL' };

let symlinkProbe: string | undefined | null = null;

/**
 * Why symlinks cannot be made here, or undefined: Windows allows them only with the privilege
 * (an elevated shell, as on GitHub's runners, or Developer Mode). Probed once, in the temp dir.
 */
export function cannotSymlink(): string | undefined {
  if (symlinkProbe !== null) return symlinkProbe;
  symlinkProbe = undefined;
  if (!isWindows) return symlinkProbe;
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecr-login-symlink-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'target'), '');
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
  } catch (error) {
    symlinkProbe = `creating a symlink failed (${(error as NodeJS.ErrnoException).code}): Windows needs Developer Mode or an elevated shell`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return symlinkProbe;
}

/** `it` for a test that makes symlinks: skipped, with the reason, where that is not allowed (Windows without the privilege). */
export function itWithSymlinks(name: string, fn: TestFn, timeout?: number): void {
  const skip = cannotSymlink();
  if (skip) it.skip(`${name} [skipped: ${skip}]`, fn);
  else it(name, fn, timeout);
}

/**
 * Where the harness's own tool `program` (patch, script, …) is on this process's PATH, or
 * undefined. Tests start it by that path: the programs they start get a PATH of their own.
 */
export function findProgram(program: string): string | undefined {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const names = isWindows ? [`${program}.exe`, `${program}.cmd`] : [program];
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return undefined;
}

/** Which of `programs` are not on this process's PATH. */
export function missingPrograms(programs: readonly string[]): string[] {
  return programs.filter((program) => findProgram(program) === undefined);
}

/**
 * `it.each` for tests that run programs a machine may lack (`programs`, each with the Debian
 * package that has it): where one is missing, skipped with a one-line reason outside CI, and in
 * CI on Linux (where .ci/run installs them) one failing test that names what is missing.
 */
export function eachWithPrograms<Row>(
  programs: Readonly<Record<string, string>>,
  table: readonly Row[],
): (name: string, fn: (...row: Row extends readonly unknown[] ? Row : [Row]) => void | Promise<void>, timeout?: number) => void {
  const missing = missingPrograms(Object.keys(programs));
  return (name, fn, timeout) => {
    const run = fn as unknown as (...args: unknown[]) => Promise<void>;
    const rows = table as unknown as unknown[];
    if (missing.length === 0) {
      it.each(rows)(name, run, timeout);
      return;
    }
    const why = `needs ${missing.map((p) => `${p} (Debian: ${programs[p]})`).join(', ')} on PATH`;
    if (mustRun) {
      it(`${name} [${why}]`, () => {
        throw new Error(`this test ${why}, and CI must run it: .ci/run installs it`);
      });
    } else {
      it.skip.each(rows)(`${name} [skipped: ${why}]`, run);
    }
  };
}
