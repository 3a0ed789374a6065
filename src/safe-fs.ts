import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomHex } from './hash';

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
export type PathStat = Pick<Stats, 'uid' | 'mode' | 'isDirectory' | 'isSymbolicLink'>;

/**
 * What the checks depend on, per platform; `HOST_FS` for this process. Tests pass another to
 * exercise a platform's rules where they run (Windows' on Linux, a macOS tree of owners).
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

/** The `FsPlatform` of a platform, from its uid and `fs.constants` (defaults: this process's). */
export function describeFsPlatform(
  platform: NodeJS.Platform = process.platform,
  uid: number | undefined = process.getuid?.(),
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

/** This process's platform. */
export const HOST_FS: FsPlatform = describeFsPlatform();

export type OwnFileRead =
  | { readonly status: 'ok'; readonly text: string }
  | { readonly status: 'missing' }
  /** A symlink, not a regular file, or someone else's file: not read. */
  | { readonly status: 'unsafe'; readonly why: string }
  | { readonly status: 'too-large' }
  /** `EILSEQ`: not UTF-8 (with `strictUtf8`); `where` says where the first bad byte is. */
  | { readonly status: 'error'; readonly code: string; readonly where?: string };

/**
 * What tells one state of a file from another: a rewrite in place changes its size, mtime or
 * ctime (truncating alone does), a replacement its device or inode. Nanosecond times, so two
 * writes within one millisecond still differ (where the file system keeps them).
 */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

function identityOf(stat: BigIntStats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

/** Whether two identities are one state of one file. */
export function isSameFileState(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * `readOwnFile`'s answer with what was read's state: its identity, taken after the read (a
 * read torn by a writer then shows as a state whose bytes differ), and its permission bits.
 */
export type OwnFileSnapshot =
  | Exclude<OwnFileRead, { readonly status: 'ok' }>
  | { readonly status: 'ok'; readonly text: string; readonly identity: FileIdentity; readonly mode: number };

/**
 * Where the first byte of `bytes` that is not UTF-8 is (`line 3, column 12`, counting bytes
 * from 1), or undefined for valid UTF-8. The decoder replaces each bad sequence with U+FFFD;
 * a U+FFFD that is not spelt EF BF BD in the bytes marks it.
 */
export function findInvalidUtf8(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  let offset = 0;
  for (const char of text) {
    if (char === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      const before = bytes.subarray(0, offset);
      const lineStart = before.lastIndexOf(0x0a) + 1;
      return `line ${before.filter((byte) => byte === 0x0a).length + 1}, column ${offset - lineStart + 1}`;
    }
    offset += Buffer.byteLength(char);
  }
  return undefined;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function symlinkError(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ELOOP: ${file} is a symbolic link`), { code: 'ELOOP' });
}

/**
 * `open` that does not follow a symlink at `file` (fails with ELOOP). Where there is no
 * `O_NOFOLLOW` (Windows), the path is looked at before the open, and what was opened must be
 * what was there: a symlink swapped in between leads to another file (device and inode differ).
 * A file this open created (`O_CREAT`) must be what is at the path now. Left over there: a
 * dangling symlink planted between the look and an `O_CREAT` open makes its target exist
 * (empty; nothing is written to it) — creating symlinks takes a privilege on Windows.
 */
function openNoFollow(file: string, flags: number, platform: FsPlatform, mode?: number): number {
  if (platform.noFollow !== 0) return openSync(file, flags | platform.noFollow, mode);
  let seen: BigIntStats | undefined;
  try {
    seen = lstatSync(file, { bigint: true });
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  if (seen?.isSymbolicLink()) throw symlinkError(file);
  const fd = openSync(file, flags, mode);
  try {
    const opened = fstatSync(fd, { bigint: true });
    const there = seen ?? lstatSync(file, { bigint: true });
    if (there.isSymbolicLink() || there.ino !== opened.ino || there.dev !== opened.dev) throw symlinkError(file);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Reads a regular file owned by the current user, of at most `maxBytes`, as UTF-8. */
export function readOwnFile(file: string, maxBytes: number, platform: FsPlatform = HOST_FS, options: OwnFileOptions = {}): OwnFileRead {
  return readOwn(file, maxBytes, platform, options, () => undefined);
}

/**
 * `readOwnFile` with the state of the file read (`OwnFileSnapshot`): for a file that is to be
 * replaced only if nobody changed it meanwhile.
 */
export function readOwnFileSnapshot(
  file: string,
  maxBytes: number,
  platform: FsPlatform = HOST_FS,
  options: OwnFileOptions = {},
): OwnFileSnapshot {
  const read = readOwn(file, maxBytes, platform, options, (fd) => fstatSync(fd, { bigint: true }));
  if (read.status !== 'ok') return read;
  return { status: 'ok', text: read.text, identity: identityOf(read.state), mode: Number(read.state.mode & 0o777n) };
}

export interface OwnFileOptions {
  /** Also refuse a file that group or others may write (a file that decides whose credentials are used). */
  readonly notWritableByOthers?: boolean;
  /**
   * Refuse text that is not UTF-8 (`error`, `EILSEQ`) instead of reading bad bytes as U+FFFD:
   * for a file that is written back, where that would change bytes nobody asked to change.
   */
  readonly strictUtf8?: boolean;
}

function readOwn<S>(
  file: string,
  maxBytes: number,
  platform: FsPlatform,
  options: OwnFileOptions,
  stateOf: (fd: number) => S,
): ReadWith<S> {
  let fd: number;
  try {
    fd = openNoFollow(file, constants.O_RDONLY | platform.nonBlock, platform);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { status: 'missing' };
    if (code === 'ELOOP') return { status: 'unsafe', why: `${file} is a symbolic link` };
    return { status: 'error', code };
  }
  const { uid } = platform;
  return readOpenedFile(fd, file, maxBytes, options.strictUtf8 ?? false, stateOf, (stat) => {
    if (uid !== undefined && stat.uid !== uid) return `${file} is owned by uid ${stat.uid}, not by you (uid ${uid})`;
    // No POSIX modes on Windows (uid undefined there): ACLs decide.
    if (options.notWritableByOthers && uid !== undefined && (stat.mode & 0o022) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return `${file} can be written by group or others (mode ${mode}; chmod go-w it)`;
    }
    return undefined;
  });
}

/** A read's answer, with what `stateOf` said of the file once read. */
type ReadWith<S> = Exclude<OwnFileRead, { readonly status: 'ok' }> | { readonly status: 'ok'; readonly text: string; readonly state: S };

/**
 * Reads the file open as `fd`, then closes it: a regular file that `refuse` (given its stat)
 * has no objection to, of at most `maxBytes`, as UTF-8 (bad bytes an `EILSEQ` error when
 * `strictUtf8`, else U+FFFD); `stateOf` looks at the file after the read.
 */
function readOpenedFile<S>(
  fd: number,
  file: string,
  maxBytes: number,
  strictUtf8: boolean,
  stateOf: (fd: number) => S,
  refuse: (stat: Stats) => string | undefined,
): ReadWith<S> {
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { status: 'unsafe', why: `${file} is not a regular file` };
    const why = refuse(stat);
    if (why !== undefined) return { status: 'unsafe', why };
    if (stat.size > maxBytes) return { status: 'too-large' };
    const bytes = readFileSync(fd);
    const where = strictUtf8 ? findInvalidUtf8(bytes) : undefined;
    if (where !== undefined) return { status: 'error', code: 'EILSEQ', where };
    return { status: 'ok', text: bytes.toString('utf8'), state: stateOf(fd) };
  } catch (error) {
    return { status: 'error', code: errorCode(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a configuration file that may be anyone's and may be reached through symlinks (the
 * AWS shared files), but must be a regular file of at most `maxBytes`: `/dev/zero` or a FIFO
 * there would make a reader eat memory or wait forever.
 */
export function readRegularFile(file: string, maxBytes: number, platform: FsPlatform = HOST_FS): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | platform.nonBlock);
  } catch (error) {
    const code = errorCode(error);
    return code === 'ENOENT' || code === 'ENOTDIR' ? { status: 'missing' } : { status: 'error', code };
  }
  return readOpenedFile(
    fd,
    file,
    maxBytes,
    false,
    () => undefined,
    () => undefined,
  );
}

/** `<file>.<16 hex>`: the temp files of `writeFileAtomic` and `createFileExclusive`. */
export function isTempFileOf(file: string, name: string): boolean {
  const prefix = `${file}.`;
  return name.startsWith(prefix) && /^[0-9a-f]{16}$/.test(name.slice(prefix.length));
}

/**
 * Creates `file` for writing; fails with EEXIST if anything is there, a symlink included
 * (`O_EXCL` never follows one; on Windows, `CREATE_NEW` fails on any existing name), so a name
 * planted in advance cannot redirect the write.
 */
export function openExclusive(file: string, mode: number, platform: FsPlatform = HOST_FS): number {
  return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | platform.noFollow, mode);
}

/** Writes `data` to a new temp file next to `file` (O_EXCL, random name), fsynced. */
function writeTempFile(file: string, data: string, mode: number, platform: FsPlatform): string {
  const temp = `${file}.${randomHex(8)}`;
  const fd = openExclusive(temp, mode, platform);
  try {
    const bytes = Buffer.from(data);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

/**
 * Appends `text` to `file`, creating it with `mode` if missing. The file must be a regular
 * file of ours: a symlink, FIFO or someone else's file at the path throws instead of being
 * written through, waited on, or appended to.
 */
export function appendOwnFile(file: string, text: string, mode = 0o600, platform: FsPlatform = HOST_FS): void {
  const fd = openNoFollow(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | platform.nonBlock, platform, mode);
  try {
    const stat = fstatSync(fd);
    const { uid } = platform;
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) {
      throw Object.assign(new Error(`${file} is not a regular file of ours`), { code: 'EUNSAFE' });
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } finally {
    closeSync(fd);
  }
}

/** `renameSync`, retried for `platform.renameRetryMs` while the target is busy (Windows). */
function renameReplacing(from: string, to: string, platform: FsPlatform): void {
  const started = Date.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, 100)) {
    try {
      renameSync(from, to);
      return;
    } catch (error) {
      const busy = ['EPERM', 'EACCES', 'EBUSY'].includes(errorCode(error));
      if (!busy || Date.now() - started + pause > platform.renameRetryMs) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

/** A replacement of a file written beside it (a temp file, fsynced), not yet in its place. */
export interface PreparedReplacement {
  /** Renames the temp file over the file (readers see the old file or the new one); on failure, removes it and throws. */
  commit(): void;
  /** Removes the temp file. */
  abandon(): void;
}

/**
 * Writes `data` to a temp file next to `file` (`isTempFileOf`), to replace `file` on `commit`:
 * several files can be prepared, then checked, then put in place together.
 */
export function prepareReplacement(file: string, data: string, mode = 0o600, platform: FsPlatform = HOST_FS): PreparedReplacement {
  const temp = writeTempFile(file, data, mode, platform);
  const abandon = (): void => rmSync(temp, { force: true });
  return {
    commit: () => {
      try {
        renameReplacing(temp, file, platform);
      } catch (error) {
        abandon();
        throw error;
      }
    },
    abandon,
  };
}

/**
 * Replaces `file` with `data` atomically: readers see the old file or the new one, never
 * a part. A writer killed before the rename leaves only a temp file (see `isTempFileOf`).
 * `beforeRename` may throw to abandon the write (the temp file is removed).
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600, beforeRename?: () => void, platform: FsPlatform = HOST_FS): void {
  const replacement = prepareReplacement(file, data, mode, platform);
  try {
    beforeRename?.();
  } catch (error) {
    replacement.abandon();
    throw error;
  }
  replacement.commit();
}

/**
 * Removes the temp files of `file` (`isTempFileOf`) that writers killed mid-write left behind:
 * regular files of ours last written more than `maxAgeMs` before `now` (a live writer renames
 * its temp file within milliseconds). Anything else by such a name (a symlink, a directory,
 * someone else's file, a younger file) is left alone. Housekeeping: errors are ignored.
 * Returns the paths removed.
 */
export function removeStaleTempFiles(file: string, now: number, maxAgeMs: number, platform: FsPlatform = HOST_FS): string[] {
  const removed: string[] = [];
  const dir = dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!isTempFileOf(basename(file), name)) continue;
    const temp = join(dir, name);
    try {
      const stat = lstatSync(temp);
      if (!stat.isFile() || (platform.uid !== undefined && stat.uid !== platform.uid)) continue;
      if (now - stat.mtimeMs <= maxAgeMs) continue;
      rmSync(temp, { force: true });
      removed.push(temp);
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}

/**
 * Creates `file` with `data` unless it exists; true if this call created it. The file
 * appears complete or not at all (written to a temp file, then hard-linked into place).
 */
export function createFileExclusive(file: string, data: string, mode = 0o600, platform: FsPlatform = HOST_FS): boolean {
  const temp = writeTempFile(file, data, mode, platform);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** A directory that must not be used: someone else could read or swap what we keep there. */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`${path} ${why}`);
    this.name = 'UnsafePathError';
  }
}

/** Group- or other-writable without the sticky bit (0o1000): others can rename or replace entries. */
function isOpenToOthers(stat: PathStat): boolean {
  return (stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0;
}

/**
 * Checks that `dir` is a private directory of the current user: a directory (a symlink to one
 * only if the link is ours), owned by us, not writable by group or others, below ancestors
 * owned by us or root that nobody else can write to (sticky directories such as /tmp
 * excepted). The rule OpenSSH applies to ~/.ssh. It accepts a home directory below root-owned
 * /Users or /home, and macOS's per-user temp directory (/var/folders/xx/…/T, ours, below
 * root's /private/var/folders). Where there are no POSIX owners (Windows, see `FsPlatform`),
 * only that it is a directory. Returns false when `dir` does not exist; throws
 * `UnsafePathError` when it must not be used.
 */
export function checkPrivateDirectory(dir: string, platform: FsPlatform = HOST_FS): boolean {
  const { uid } = platform;
  let link: PathStat;
  try {
    link = platform.lstat(dir);
  } catch (error) {
    // Nothing there (or a file where a parent directory should be): nothing to use yet.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return false;
    throw error;
  }
  if (uid !== undefined && link.isSymbolicLink() && link.uid !== uid)
    throw new UnsafePathError(dir, `is a symbolic link owned by uid ${link.uid}, not by you (uid ${uid})`);
  const stat = link.isSymbolicLink() ? platform.stat(dir) : link;
  if (!stat.isDirectory()) throw new UnsafePathError(dir, 'is not a directory');
  if (uid === undefined) return true;
  if (stat.uid !== uid) throw new UnsafePathError(dir, `is owned by uid ${stat.uid}, not by you (uid ${uid})`);
  if ((stat.mode & 0o022) !== 0) throw new UnsafePathError(dir, `is writable by others (mode ${(stat.mode & 0o777).toString(8)})`);
  checkAncestors(dirname(platform.realpath(dir)), uid, platform);
  return true;
}

/**
 * `dir` (an existing directory) and everything above it must be owned by us or root and not
 * open to others (sticky directories such as /tmp excepted). The ancestor at fault is named as
 * the path: a cache directory open to others is then one report, whether the cache, the locks
 * or the log (inside it) met it first.
 */
function checkAncestors(dir: string, uid: number, platform: FsPlatform): void {
  for (let ancestor = dir; ; ancestor = dirname(ancestor)) {
    const stat = platform.stat(ancestor);
    if (stat.uid !== uid && stat.uid !== 0) throw new UnsafePathError(ancestor, `is owned by uid ${stat.uid}, not by you or root`);
    if (isOpenToOthers(stat)) throw new UnsafePathError(ancestor, `is writable by others (mode ${(stat.mode & 0o777).toString(8)})`);
    if (ancestor === dirname(ancestor)) return;
  }
}

/**
 * Makes sure `dir` exists as a private directory of ours (see `checkPrivateDirectory`),
 * creating it and any missing parents 0700. An existing directory is never loosened or
 * tightened: one that fails the check throws `UnsafePathError`.
 */
export function ensurePrivateDirectory(dir: string, platform: FsPlatform = HOST_FS): void {
  if (checkPrivateDirectory(dir, platform)) return;
  const { uid } = platform;
  if (uid !== undefined) {
    // Never create anything inside a directory someone else controls.
    let existing = dirname(dir);
    while (existing !== dirname(existing) && !existsPath(existing, platform)) existing = dirname(existing);
    checkAncestors(platform.realpath(existing), uid, platform);
  }
  const make = (): void => {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      // Another process made it first: it is checked below like any other.
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  };
  try {
    make();
  } catch (error) {
    // Missing parents: make them, then this one (so that an error names this one's real cause).
    if (errorCode(error) !== 'ENOENT') throw error;
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    make();
  }
  checkPrivateDirectory(dir, platform);
}

function existsPath(path: string, platform: FsPlatform): boolean {
  try {
    platform.lstat(path);
    return true;
  } catch {
    return false;
  }
}
