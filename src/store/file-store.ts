import { join } from 'node:path';
import type { Locker } from '../lock/locker';
import { type HeldLock, LockNotAcquiredError } from '../lock/with-lock';

/** The write lock is no longer this process's: its write would clobber the new holder's. */
class LockLostError extends Error {}

import { createOnce, type Logger } from '../log';
import { errorCode, type FsPlatform } from '../safe-fs/fs-platform';
import { checkPrivateDirectory, ensurePrivateDirectory, UnsafePathError } from '../safe-fs/private-directories';
import { readOwnFile } from '../safe-fs/read-files';
import { removeStaleTempFiles, writeFileAtomic } from '../safe-fs/write-files';
import { type CacheDocument, createEmptyDocument, parseCacheDocument } from './cache-document';
import { formatEntryKey, isListedFor, pruneEntries, withCacheWriteLock } from './token-entries';
import { CacheWriteError, type TokenStore } from './token-store';

export interface FileStoreOptions {
  /** The cache directory (`AWS_ECR_CACHE_DIR`); created 0700 on first write. */
  readonly dir: string;
  readonly now: () => number;
  readonly logger: Logger;
  /** Serialises read-modify-write cycles across processes. */
  readonly locker: Locker;
  /** Whose the directory and the file must be, and how they are opened (the entry's). */
  readonly fsPlatform: FsPlatform;
}

/** Temp files of writers killed mid-write are removed once this old. */
const ORPHAN_TEMP_AGE_MS = 60_000;
/** Larger than any real cache; a bigger file is not ours to parse. */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

type ReadResult =
  | { readonly status: 'ok'; readonly doc: CacheDocument }
  | { readonly status: 'missing' | 'corrupt'; readonly doc: undefined }
  /** A symlink, a FIFO, someone else's file: neither read nor overwritten. */
  | { readonly status: 'unsafe'; readonly doc: undefined; readonly why: string };

/** The cache file path inside a cache directory. */
export function formatCacheFilePath(dir: string): string {
  return join(dir, 'tokens.json');
}

/**
 * Writes happen only under the write lock: a writer that cannot have it skips its write
 * (the token it fetched is still handed out) rather than overwrite others' entries.
 */
async function withWriteLock(file: string, options: FileStoreOptions, fn: (lock: HeldLock) => Promise<void>): Promise<void> {
  const { logger, now, locker } = options;
  try {
    await withCacheWriteLock(locker, logger, now, fn);
  } catch (error) {
    if (!(error instanceof LockNotAcquiredError)) throw error;
    if (error.reason.startsWith('busy')) return logger.warn(`not caching the token: ${error.message}`);
    throw new CacheWriteError(`cannot write token cache ${file} (${error.reason})`, { cause: error });
  }
}

/**
 * The cache file's text as a document, in a directory already found usable. A file that cannot
 * be read or parsed is `corrupt` (rebuilt by the next write); `once` keeps each warning to one.
 */
function readCacheFile(file: string, options: FileStoreOptions, once: (key: string) => boolean): ReadResult {
  const { logger } = options;
  const result = readOwnFile(file, MAX_CACHE_BYTES, { platform: options.fsPlatform });
  switch (result.status) {
    case 'missing':
      return { status: 'missing', doc: undefined };
    case 'unsafe':
      return { status: 'unsafe', doc: undefined, why: result.why };
    case 'error':
      if (once('unreadable')) logger.warn(`cannot read token cache ${file} (${result.code}); treating it as empty`);
      return { status: 'corrupt', doc: undefined };
    case 'too-large':
      if (once('corrupt')) logger.warn(`token cache ${file} is implausibly large; rebuilding it`);
      return { status: 'corrupt', doc: undefined };
    case 'ok': {
      const doc = parseCacheDocument(result.text);
      if (doc) return { status: 'ok', doc };
      if (once('corrupt')) logger.warn(`token cache ${file} is unreadable (corrupt, truncated or another version); rebuilding it`);
      return { status: 'corrupt', doc: undefined };
    }
  }
}

/** Replaces the file, unless the write lock was lost meanwhile (then nothing is written). */
function writeCacheFile(file: string, options: FileStoreOptions, doc: CacheDocument, lock: HeldLock): void {
  try {
    ensurePrivateDirectory(options.dir, options.fsPlatform);
    writeFileAtomic(file, `${JSON.stringify(doc)}\n`, {
      platform: options.fsPlatform,
      beforeRename: () => {
        if (!lock.isStillHeld()) throw new LockLostError();
      },
    });
  } catch (error) {
    if (!(error instanceof LockLostError)) throw error;
    options.logger.warn('not caching the token: the cache write lock was taken over while this process stalled');
  }
}

/** One process's access to the cache file: reads and writes, with each problem reported once. */
interface CacheFile {
  /** The document, or why there is none (an unsafe file or directory: reported by `warnUnsafe`). */
  read(): ReadResult;
  /** The document if there is a usable one; an unsafe file is reported. */
  readUsable(): CacheDocument | undefined;
  /** A symlink or a foreign file is neither read nor replaced; the user is told once. */
  warnUnsafe(why: string): void;
  /** Creates the directory; false when it is unusable (reported; the cache is off from then on). */
  ensureDirectory(): boolean;
  /** Replaces the file (see `writeCacheFile`); an unusable directory is reported, as above. */
  write(doc: CacheDocument, lock: HeldLock): void;
}

/** The cache file of `createFileStore`, and what this process has learnt about its directory. */
function createCacheFile(file: string, options: FileStoreOptions): CacheFile {
  const { logger } = options;
  // One warning per cause per process, so a broken cache is not a wall of text.
  const once = createOnce();

  /** Whether the directory may be used: checked once per process (a few lstat calls). */
  let directoryUsable: boolean | undefined;
  const isDirectoryUsable = (): boolean => {
    if (directoryUsable === undefined) {
      try {
        checkPrivateDirectory(options.dir, options.fsPlatform);
        directoryUsable = true;
      } catch (error) {
        if (error instanceof UnsafePathError) logger.tellUnsafe(error);
        else logger.warn(`cannot check the cache directory ${options.dir}: ${String(error)}`);
        directoryUsable = false;
      }
    }
    return directoryUsable;
  };

  /**
   * A write that failed: an unusable directory is reported once and the cache is off from then
   * on; anything else is a `CacheWriteError` naming the file.
   */
  const writeFailed = (error: unknown): void => {
    if (error instanceof UnsafePathError) {
      directoryUsable = false;
      logger.tellUnsafe(error);
      return;
    }
    const code = errorCode(error);
    throw new CacheWriteError(`cannot write token cache ${file} (${code})`, { cause: error });
  };

  const cacheFile: CacheFile = {
    read: () =>
      isDirectoryUsable() ? readCacheFile(file, options, once) : { status: 'unsafe', doc: undefined, why: `${options.dir} is not usable` },
    readUsable() {
      const result = cacheFile.read();
      if (result.status === 'unsafe') cacheFile.warnUnsafe(result.why);
      return result.doc;
    },
    warnUnsafe(why) {
      // An unusable directory has been reported already, by whatever met it first.
      if (directoryUsable === false) return;
      if (once('unsafe')) logger.tell(`not using the token cache: ${why}; remove it to re-enable caching`);
    },
    ensureDirectory() {
      try {
        ensurePrivateDirectory(options.dir, options.fsPlatform);
        return true;
      } catch (error) {
        writeFailed(error);
        return false;
      }
    },
    write(doc, lock) {
      try {
        writeCacheFile(file, options, doc, lock);
      } catch (error) {
        writeFailed(error);
      }
    },
  };
  return cacheFile;
}

/**
 * The token cache in `<dir>/tokens.json` (versioned JSON, 0600), replaced atomically on every
 * write (temp file, fsync, rename) so that readers never see a half-written file and need
 * no lock. Writers take the `cache-write` lock and re-read, so entries written meanwhile by
 * other processes survive.
 */
export function createFileStore(options: FileStoreOptions): TokenStore {
  const file = formatCacheFilePath(options.dir);
  const { now } = options;
  const cacheFile = createCacheFile(file, options);

  return {
    async get(host, identity) {
      const doc = cacheFile.readUsable();
      if (!doc) return undefined;
      return doc.entries[formatEntryKey(doc.salt, host, identity)];
    },

    async put(identity, token) {
      // The directory before the lock: an unusable one is reported once (not as a failed lock too).
      if (!cacheFile.ensureDirectory()) return;
      await withWriteLock(file, options, async (lock) => {
        const result = cacheFile.read();
        if (result.status === 'unsafe') return cacheFile.warnUnsafe(result.why);
        const base = result.doc ?? createEmptyDocument();
        const key = formatEntryKey(base.salt, token.host, identity);
        const { keep } = pruneEntries(Object.entries({ ...base.entries, [key]: token }), now());
        cacheFile.write({ ...base, entries: Object.fromEntries(keep) }, lock);
        removeStaleTempFiles(file, now(), ORPHAN_TEMP_AGE_MS, options.fsPlatform);
      });
    },

    async list(identity) {
      const doc = cacheFile.readUsable();
      if (!doc) return [];
      const current = now();
      return Object.entries(doc.entries)
        .filter(([key, t]) => isListedFor(key, t, doc.salt, identity, current))
        .map(([, t]) => t);
    },
  };
}
