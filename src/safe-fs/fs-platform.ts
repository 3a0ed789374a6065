import { constants, lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
/**
 * File access for files that hold tokens or that many processes share. A path is hostile
 * until checked: files are opened with `O_NOFOLLOW` (a planted symlink is not followed) and
 * `O_NONBLOCK` (a FIFO at the path does not hang the open), and must then be regular files
 * owned by the current user. New files are written to a temp file with a random name,
 * created with `O_EXCL` (never an existing file or link), then renamed or linked into place.
 *
 * Windows has no POSIX owners or modes, no `O_NOFOLLOW` and no `O_NONBLOCK` (see `FsPlatform`):
 * there, files and directories are not checked for owner and mode, and symlinks are refused
 * by comparing what is at the path with what was opened.
 */

/** What a file or directory check reads of a path's metadata. */
export type PathStat = Pick<Stats, 'uid' | 'mode' | 'isFile' | 'isDirectory' | 'isSymbolicLink'>;

/**
 * What the checks depend on, per platform. The entry point describes this process's once
 * (`describeFsPlatform(process.platform, process.getuid?.())`) and hands it down; nothing
 * below it reads `process`. Tests pass another to exercise a platform's rules where they run
 * (Windows' on Linux, a macOS tree of owners).
 */
export interface FsPlatform {
  /**
   * The current user's uid, or undefined where files have no POSIX owner and mode: on Windows
   * (no `process.getuid`) Node reports uid 0 and modes 0o666/0o777 whatever the ACLs say, and
   * `mkdir`/`open` ignore the mode asked for. Access there is decided by ACLs, which Node
   * cannot read; the profile directory, where `~/.ecr` is by default, is private to its user.
   * Owner and mode checks are then skipped; the rest (regular files, no symlinks, directories
   * that are directories) still applies.
   */
  readonly uid: number | undefined;
  /**
   * `O_NOFOLLOW`, or 0 where the platform has none (Windows: Node leaves the constant
   * undefined, and `flags | undefined` would silently be `flags`). With 0, a symlink is refused
   * by an `lstat` before the open and an identity check (device and inode) after it.
   */
  readonly noFollow: number;
  /** `O_NONBLOCK`, or 0 where there is none (Windows, whose file system has no FIFOs to block on). */
  readonly nonBlock: number;
  /**
   * How long `writeFileAtomic` keeps retrying a rename that fails with EPERM, EACCES or EBUSY:
   * on Windows, replacing a file fails so while another process has it open (a reader, for
   * microseconds), where POSIX renames over it. 0 elsewhere. graceful-fs retries the same way.
   */
  readonly renameRetryMs: number;
  /** The metadata calls of the directory checks (default: `node:fs`; tests: a pretend tree). */
  readonly lstat: (path: string) => PathStat;
  readonly stat: (path: string) => PathStat;
  readonly realpath: (path: string) => string;
}

/**
 * The `FsPlatform` of `platform` for the user `uid` (`process.getuid?.()`: undefined where
 * there is none), with the open flags of `flags` (default: this Node's `fs.constants`).
 */
export function describeFsPlatform(
  platform: NodeJS.Platform,
  uid: number | undefined,
  flags: { readonly O_NOFOLLOW?: number; readonly O_NONBLOCK?: number } = constants,
): FsPlatform {
  return {
    uid: platform === 'win32' ? undefined : uid,
    noFollow: flags.O_NOFOLLOW ?? 0,
    nonBlock: flags.O_NONBLOCK ?? 0,
    renameRetryMs: platform === 'win32' ? 1000 : 0,
    lstat: lstatSync,
    stat: statSync,
    realpath: realpathSync,
  };
}

/** The code of a file system error (`ENOENT`, …), or the error's text. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
