import { type BigIntStats, closeSync, fstatSync, lstatSync, openSync } from 'node:fs';
import { errorCode, type FsPlatform } from './fs-platform';

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
export function openNoFollow(file: string, flags: number, platform: FsPlatform, mode?: number): number {
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
