import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { randomHex } from './hash';

/**
 * File access for files that hold tokens or that many processes share. A path is hostile
 * until checked: files are opened with `O_NOFOLLOW` (a planted symlink is not followed) and
 * `O_NONBLOCK` (a FIFO at the path does not hang the open), and must then be regular files
 * owned by the current user. New files are written to a temp file with a random name,
 * created with `O_EXCL` (never an existing file or link), then renamed or linked into place.
 */

export type OwnFileRead =
  | { readonly status: 'ok'; readonly text: string }
  | { readonly status: 'missing' }
  /** A symlink, not a regular file, or someone else's file: not read. */
  | { readonly status: 'unsafe'; readonly why: string }
  | { readonly status: 'too-large' }
  | { readonly status: 'error'; readonly code: string };

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** Reads a regular file owned by the current user, of at most `maxBytes`, as UTF-8. */
export function readOwnFile(file: string, maxBytes: number): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { status: 'missing' };
    if (code === 'ELOOP') return { status: 'unsafe', why: `${file} is a symbolic link` };
    return { status: 'error', code };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { status: 'unsafe', why: `${file} is not a regular file` };
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      return { status: 'unsafe', why: `${file} is owned by uid ${stat.uid}, not by you (uid ${uid})` };
    }
    if (stat.size > maxBytes) return { status: 'too-large' };
    return { status: 'ok', text: readFileSync(fd, 'utf8') };
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
export function readRegularFile(file: string, maxBytes: number): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    return code === 'ENOENT' || code === 'ENOTDIR' ? { status: 'missing' } : { status: 'error', code };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { status: 'unsafe', why: `${file} is not a regular file` };
    if (stat.size > maxBytes) return { status: 'too-large' };
    return { status: 'ok', text: readFileSync(fd, 'utf8') };
  } catch (error) {
    return { status: 'error', code: errorCode(error) };
  } finally {
    closeSync(fd);
  }
}

/** `<file>.<16 hex>`: the temp files of `writeFileAtomic` and `createFileExclusive`. */
export function isTempFileOf(file: string, name: string): boolean {
  const prefix = `${file}.`;
  return name.startsWith(prefix) && /^[0-9a-f]{16}$/.test(name.slice(prefix.length));
}

/**
 * Creates `file` for writing; fails with EEXIST if anything is there, a symlink included
 * (`O_EXCL` never follows one), so a name planted in advance cannot redirect the write.
 */
export function openExclusive(file: string, mode: number): number {
  return openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
}

/** Writes `data` to a new temp file next to `file` (O_EXCL, random name), fsynced. */
function writeTempFile(file: string, data: string, mode: number): string {
  const temp = `${file}.${randomHex(8)}`;
  const fd = openExclusive(temp, mode);
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
export function appendOwnFile(file: string, text: string, mode = 0o600): void {
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    mode,
  );
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
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

/**
 * Replaces `file` with `data` atomically: readers see the old file or the new one, never
 * a part. A writer killed before the rename leaves only a temp file (see `isTempFileOf`).
 * `beforeRename` may throw to abandon the write (the temp file is removed).
 */
export function writeFileAtomic(file: string, data: string, mode = 0o600, beforeRename?: () => void): void {
  const temp = writeTempFile(file, data, mode);
  try {
    beforeRename?.();
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Creates `file` with `data` unless it exists; true if this call created it. The file
 * appears complete or not at all (written to a temp file, then hard-linked into place).
 */
export function createFileExclusive(file: string, data: string, mode = 0o600): boolean {
  const temp = writeTempFile(file, data, mode);
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
function isOpenToOthers(stat: Stats): boolean {
  return (stat.mode & 0o022) !== 0 && (stat.mode & 0o1000) === 0;
}

/**
 * Checks that `dir` is a private directory of the current user: a directory (a symlink to one
 * only if the link is ours), owned by us, not writable by group or others, below ancestors
 * owned by us or root that nobody else can write to (sticky directories such as /tmp
 * excepted). The rule OpenSSH applies to ~/.ssh. No-op where there are no POSIX owners.
 * Returns false when `dir` does not exist; throws `UnsafePathError` when it must not be used.
 */
export function checkPrivateDirectory(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return existsDirectory(dir);
  let link: Stats;
  try {
    link = lstatSync(dir);
  } catch (error) {
    // Nothing there (or a file where a parent directory should be): nothing to use yet.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return false;
    throw error;
  }
  if (link.isSymbolicLink() && link.uid !== uid)
    throw new UnsafePathError(dir, `is a symbolic link owned by uid ${link.uid}, not by you (uid ${uid})`);
  const stat = link.isSymbolicLink() ? statSync(dir) : link;
  if (!stat.isDirectory()) throw new UnsafePathError(dir, 'is not a directory');
  if (stat.uid !== uid) throw new UnsafePathError(dir, `is owned by uid ${stat.uid}, not by you (uid ${uid})`);
  if ((stat.mode & 0o022) !== 0) throw new UnsafePathError(dir, `is writable by others (mode ${(stat.mode & 0o777).toString(8)})`);
  checkAncestors(dirname(realpathSync(dir)), uid);
  return true;
}

/**
 * `dir` (an existing directory) and everything above it must be owned by us or root and not
 * open to others (sticky directories such as /tmp excepted). The ancestor at fault is named as
 * the path: a cache directory open to others is then one report, whether the cache, the locks
 * or the log (inside it) met it first.
 */
function checkAncestors(dir: string, uid: number): void {
  for (let ancestor = dir; ; ancestor = dirname(ancestor)) {
    const stat = statSync(ancestor);
    if (stat.uid !== uid && stat.uid !== 0) throw new UnsafePathError(ancestor, `is owned by uid ${stat.uid}, not by you or root`);
    if (isOpenToOthers(stat)) throw new UnsafePathError(ancestor, `is writable by others (mode ${(stat.mode & 0o777).toString(8)})`);
    if (ancestor === dirname(ancestor)) return;
  }
}

function existsDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes sure `dir` exists as a private directory of ours (see `checkPrivateDirectory`),
 * creating it and any missing parents 0700. An existing directory is never loosened or
 * tightened: one that fails the check throws `UnsafePathError`.
 */
export function ensurePrivateDirectory(dir: string): void {
  if (checkPrivateDirectory(dir)) return;
  const uid = process.getuid?.();
  if (uid !== undefined) {
    // Never create anything inside a directory someone else controls.
    let existing = dirname(dir);
    while (existing !== dirname(existing) && !existsPath(existing)) existing = dirname(existing);
    checkAncestors(realpathSync(existing), uid);
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
  checkPrivateDirectory(dir);
}

function existsPath(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
