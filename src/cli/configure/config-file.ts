import { lstatSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../errors';
import { errorCode, type FsPlatform } from '../../safe-fs/fs-platform';
import { checkPrivateDirectory, ensurePrivateDirectory, UnsafePathError } from '../../safe-fs/private-directories';
import { type FileIdentity, isSameFileState, readOwnFileSnapshot } from '../../safe-fs/read-files';
import { createFileExclusive, type PreparedReplacement, prepareReplacement, removeStaleTempFiles } from '../../safe-fs/write-files';

/**
 * Reading and replacing the files `configure` edits, by the rules for files that decide which
 * program gets run (a credential helper named in a docker config is a program docker runs):
 * only a regular file of the current user, in a directory of theirs that nobody else can
 * write to, is read and replaced; a new file is created 0600 (its directory 0700).
 *
 * Symbolic links: users keep dotfiles in a repository and link `~/.docker/config.json` to it,
 * and docker follows that link. So where `followLink` is set, a link of the current user's is
 * followed and the file it leads to is replaced (the link stays a link); a link owned by
 * someone else is never written through. The settings file is not followed: the helper itself
 * refuses to read a linked one.
 */

/** A file as read, to be replaced later. */
export interface LoadedFile {
  /** As given (and as shown to the user). */
  readonly path: string;
  /** The file that is written: `path`, or where its link leads. */
  readonly target: string;
  /** Undefined when there is no file yet. */
  readonly text: string | undefined;
  /** Permission bits to keep (0600 for a new file). */
  readonly mode: number;
  /** The state `text` was read in (undefined when there is no file): the file is replaced only while still in it. */
  readonly identity: FileIdentity | undefined;
  /** The rules it was read by (whose it must be), by which it is checked and replaced too. */
  readonly fsPlatform: FsPlatform;
}

/**
 * The file is no longer as it was read: another program wrote it between the read and the
 * rename. Nothing was written; `configure` reads it again and plans the change anew.
 */
export class ConfigChangedError extends ConfigError {
  constructor(readonly path: string) {
    super(`${path} changed while configure ran; nothing written: run configure again`);
  }
}

const MAX_BYTES = 4 * 1024 * 1024;

function explainCode(code: string): string {
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'EROFS') return 'read-only file system (EROFS)';
  if (code === 'ENOSPC') return 'no space left on the device (ENOSPC)';
  return code;
}

function checkDirectory(path: string, dir: string, fsPlatform: FsPlatform): boolean {
  try {
    return checkPrivateDirectory(dir, fsPlatform);
  } catch (error) {
    if (error instanceof UnsafePathError) throw new ConfigError(`not changing ${path}: ${error.path} ${error.why}`);
    throw error;
  }
}

/** Reads `path` for an edit; throws `ConfigError` saying why it cannot be used. */
export function loadConfigFile(
  path: string,
  options: {
    readonly followLink: boolean;
    /** The settings file: the helper refuses one that group or others can write, so configure does too. */
    readonly notWritableByOthers?: boolean;
    /** Whose the file must be (the entry's): a link of someone else's is not followed. */
    readonly fsPlatform: FsPlatform;
  },
): LoadedFile {
  const { fsPlatform } = options;
  let target = path;
  try {
    const link = lstatSync(path);
    if (link.isSymbolicLink()) {
      if (!options.followLink)
        throw new ConfigError(`not changing ${path}: it is a symbolic link; edit the file it leads to, or replace the link with it`);
      const { uid } = fsPlatform;
      if (uid !== undefined && link.uid !== uid) {
        throw new ConfigError(`not changing ${path}: it is a symbolic link owned by uid ${link.uid}, not by you (uid ${uid})`);
      }
      try {
        target = realpathSync(path);
      } catch (error) {
        throw new ConfigError(`not changing ${path}: it is a symbolic link to nothing (${explainCode(errorCode(error))})`);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = errorCode(error);
    if (code !== 'ENOENT') throw new ConfigError(`cannot read ${path}: ${explainCode(code)}`);
  }
  checkDirectory(path, dirname(target), fsPlatform);
  const read = readOwnFileSnapshot(target, MAX_BYTES, {
    platform: fsPlatform,
    strictUtf8: true,
    notWritableByOthers: options.notWritableByOthers === true,
  });
  switch (read.status) {
    case 'missing':
      return { path, target, text: undefined, mode: 0o600, identity: undefined, fsPlatform };
    case 'ok':
      return { path, target, text: read.text, mode: read.mode, identity: read.identity, fsPlatform };
    case 'unsafe':
      throw new ConfigError(`not changing ${path}: ${read.why}`);
    case 'too-large':
      throw new ConfigError(`not changing ${path}: larger than ${MAX_BYTES / 1024 / 1024} MiB, which no configuration file is`);
    case 'error':
      // Read as U+FFFD, bad bytes would be written back changed: the file must stay as it is.
      if (read.code === 'EILSEQ')
        throw new ConfigError(
          `cannot parse ${path}: not UTF-8 text (a byte that is not UTF-8 at ${read.where}); fix the file (or move it away) and run configure again`,
        );
      throw new ConfigError(`cannot read ${path}: ${explainCode(read.code)}`);
  }
}

/**
 * Whether the file is still as `file` was read: in the same state (device, inode, size, mtime,
 * ctime) with the same bytes — or still missing. The bytes too, because a rewrite within one
 * tick of the kernel's clock can leave size and times as they were.
 */
export function isUnchanged(file: LoadedFile): boolean {
  const now = readOwnFileSnapshot(file.target, MAX_BYTES, { platform: file.fsPlatform });
  if (file.identity === undefined) return now.status === 'missing';
  return now.status === 'ok' && isSameFileState(now.identity, file.identity) && now.text === file.text;
}

/** Temp files of a killed `configure` are removed once this old: a live one renames its own within milliseconds. */
const STALE_TEMP_AGE_MS = 60_000;

/**
 * Removes what a `configure` killed mid-write left beside the file: `<file>.<16 hex>` and
 * `<file>.bak.<16 hex>` (full copies of it, `auths` included), regular files of the user
 * older than a minute. Returns the paths removed.
 */
export function removeLeftoverTempFiles(file: LoadedFile, now: number): string[] {
  return [
    ...removeStaleTempFiles(file.target, now, STALE_TEMP_AGE_MS, file.fsPlatform),
    ...removeStaleTempFiles(`${file.target}.bak`, now, STALE_TEMP_AGE_MS, file.fsPlatform),
  ];
}

/**
 * Replaces the file with `text` atomically, after copying the file as it was read to
 * `<file>.bak` (0600, replaced on every change: it holds the file as it was before the latest
 * change). Both are written to temp files first; they are put in place only if the file is
 * still as it was read (`isUnchanged`), else `ConfigChangedError` and nothing is written.
 * Returns the backup's path (undefined for a new file).
 */
export function saveConfigFile(file: LoadedFile, text: string): string | undefined {
  const { path, target, fsPlatform } = file;
  try {
    ensurePrivateDirectory(dirname(target), fsPlatform);
  } catch (error) {
    if (error instanceof UnsafePathError) throw new ConfigError(`not changing ${path}: ${error.path} ${error.why}`);
    throw new ConfigError(`cannot create ${dirname(target)}: ${explainCode(errorCode(error))}`);
  }
  const prepared: PreparedReplacement[] = [];
  try {
    if (file.text === undefined) {
      if (!createFileExclusive(target, text, fsPlatform, 0o600)) throw new ConfigChangedError(path);
      return undefined;
    }
    const backup = `${target}.bak`;
    const saved = prepareReplacement(backup, file.text, fsPlatform, 0o600);
    prepared.push(saved);
    const replacement = prepareReplacement(target, text, fsPlatform, file.mode);
    prepared.push(replacement);
    if (!isUnchanged(file)) throw new ConfigChangedError(path);
    saved.commit();
    replacement.commit();
    return backup;
  } catch (error) {
    for (const temp of prepared) temp.abandon();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot write ${path}: ${explainCode(errorCode(error))}`);
  }
}
