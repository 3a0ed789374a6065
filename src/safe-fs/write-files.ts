import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomHex } from '../hash';
import { errorCode, type FsPlatform } from './fs-platform';
import { openNoFollow } from './open-no-follow';

/**
 * Writing files many processes share: new content goes to a temp file with a random name,
 * created with `O_EXCL` (never an existing file or link) and fsynced, then renamed or linked
 * into place; appends never follow a symlink.
 */

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
export function openExclusive(file: string, mode: number, platform: FsPlatform): number {
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
export function appendOwnFile(file: string, text: string, platform: FsPlatform, mode = 0o600): void {
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
export function prepareReplacement(file: string, data: string, platform: FsPlatform, mode = 0o600): PreparedReplacement {
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

/** How `writeFileAtomic` writes. */
export interface AtomicWriteOptions {
  /** The new file's mode (default 0600). */
  readonly mode?: number;
  /** Runs just before the rename; may throw to abandon the write (the temp file is removed). */
  readonly beforeRename?: () => void;
  readonly platform: FsPlatform;
}

/**
 * Replaces `file` with `data` atomically: readers see the old file or the new one, never
 * a part. A writer killed before the rename leaves only a temp file (see `isTempFileOf`).
 */
export function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions): void {
  const { mode = 0o600, beforeRename, platform } = options;
  const replacement = prepareReplacement(file, data, platform, mode);
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
export function removeStaleTempFiles(file: string, now: number, maxAgeMs: number, platform: FsPlatform): string[] {
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
export function createFileExclusive(file: string, data: string, platform: FsPlatform, mode = 0o600): boolean {
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
