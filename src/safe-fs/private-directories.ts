import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorCode, type FsPlatform, type PathStat } from './fs-platform';

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
export function checkPrivateDirectory(dir: string, platform: FsPlatform): boolean {
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
export function ensurePrivateDirectory(dir: string, platform: FsPlatform): void {
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
