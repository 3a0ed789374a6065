import { type BigIntStats, closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { errorCode, type FsPlatform } from './fs-platform';
import { openNoFollow } from './open-no-follow';

/**
 * Reading files that hold tokens or settings: regular files only (never a FIFO or a device),
 * opened without following a symlink, owned by the current user where asked, size-capped.
 */

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

/** Reads `file`, a regular file of the current user's (see `OwnFileOptions`) of at most `maxBytes`, without following a symlink. */
export function readOwnFile(file: string, maxBytes: number, options: OwnFileOptions): OwnFileRead {
  return readOwn(file, maxBytes, options, () => undefined);
}

/**
 * `readOwnFile` with the state of the file read (`OwnFileSnapshot`): for a file that is to be
 * replaced only if nobody changed it meanwhile.
 */
export function readOwnFileSnapshot(file: string, maxBytes: number, options: OwnFileOptions): OwnFileSnapshot {
  const read = readOwn(file, maxBytes, options, (fd) => fstatSync(fd, { bigint: true }));
  if (read.status !== 'ok') return read;
  return { status: 'ok', text: read.text, identity: identityOf(read.state), mode: Number(read.state.mode & 0o777n) };
}

export interface OwnFileOptions {
  /** Whose the file must be, and how it is opened without following a link. */
  readonly platform: FsPlatform;
  /** Also refuse a file that group or others may write (a file that decides whose credentials are used). */
  readonly notWritableByOthers?: boolean;
  /**
   * Refuse text that is not UTF-8 (`error`, `EILSEQ`) instead of reading bad bytes as U+FFFD:
   * for a file that is written back, where that would change bytes nobody asked to change.
   */
  readonly strictUtf8?: boolean;
}

function readOwn<S>(file: string, maxBytes: number, options: OwnFileOptions, stateOf: (fd: number) => S): ReadWith<S> {
  const { platform } = options;
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
export function readRegularFile(file: string, maxBytes: number, platform: FsPlatform): OwnFileRead {
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
