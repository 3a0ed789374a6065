import { join } from 'node:path';
import type { Locker } from '../lock/locker';
import { type HeldLock, LockNotAcquiredError } from '../lock/with-lock';

/** The write lock is no longer this process's: its write would clobber the new holder's. */
class LockLostError extends Error {}

import { createOnce, type Logger } from '../log';
import type { FsPlatform } from '../safe-fs/fs-platform';
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
 * The token cache in `<dir>/tokens.json` (versioned JSON, 0600), replaced atomically on every
 * write (temp file, fsync, rename) so that readers never see a half-written file and need
 * no lock. Writers take the `cache-write` lock and re-read, so entries written meanwhile by
 * other processes survive.
 */
export function createFileStore(options: FileStoreOptions): TokenStore {
  const file = formatCacheFilePath(options.dir);
  const { logger, now, locker, fsPlatform } = options;
  /**
   * Writes happen only under the write lock: a writer that cannot have it skips its write
   * (the token it fetched is still handed out) rather than overwrite others' entries.
   */
  const withWriteLock = async (fn: (lock: HeldLock) => Promise<void>): Promise<void> => {
    try {
      await withCacheWriteLock(locker, logger, now, fn);
    } catch (error) {
      if (!(error instanceof LockNotAcquiredError)) throw error;
      if (error.reason.startsWith('busy')) return logger.warn(`not caching the token: ${error.message}`);
      throw new CacheWriteError(`cannot write token cache ${file} (${error.reason})`, { cause: error });
    }
  };
  // One warning per cause per process, so a broken cache is not a wall of text.
  const once = createOnce();

  /** Whether the directory may be used: checked once per process (a few lstat calls). */
  let directoryUsable: boolean | undefined;
  const isDirectoryUsable = (): boolean => {
    if (directoryUsable === undefined) {
      try {
        checkPrivateDirectory(options.dir, fsPlatform);
        directoryUsable = true;
      } catch (error) {
        if (error instanceof UnsafePathError) logger.tellUnsafe(error);
        else logger.warn(`cannot check the cache directory ${options.dir}: ${String(error)}`);
        directoryUsable = false;
      }
    }
    return directoryUsable;
  };

  const read = (): ReadResult => {
    if (!isDirectoryUsable()) return { status: 'unsafe', doc: undefined, why: `${options.dir} is not usable` };
    const result = readOwnFile(file, MAX_CACHE_BYTES, { platform: fsPlatform });
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
  };

  /** A symlink or a foreign file is neither read nor replaced; the user is told once. */
  const warnUnsafe = (why: string): void => {
    // An unusable directory has been reported already, by whatever met it first.
    if (directoryUsable === false) return;
    if (once('unsafe')) logger.tell(`not using the token cache: ${why}; remove it to re-enable caching`);
  };

  const readUsable = (): CacheDocument | undefined => {
    const result = read();
    if (result.status === 'unsafe') warnUnsafe(result.why);
    return result.doc;
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
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CacheWriteError(`cannot write token cache ${file} (${code})`, { cause: error });
  };

  /** Replaces the file, unless the write lock was lost meanwhile (then nothing is written). */
  const write = (doc: CacheDocument, lock: HeldLock): void => {
    try {
      ensurePrivateDirectory(options.dir, fsPlatform);
      writeFileAtomic(file, `${JSON.stringify(doc)}\n`, {
        platform: fsPlatform,
        beforeRename: () => {
          if (!lock.isStillHeld()) throw new LockLostError();
        },
      });
    } catch (error) {
      if (error instanceof LockLostError) {
        logger.warn('not caching the token: the cache write lock was taken over while this process stalled');
        return;
      }
      writeFailed(error);
    }
  };

  return {
    async get(host, identity) {
      const doc = readUsable();
      if (!doc) return undefined;
      return doc.entries[formatEntryKey(doc.salt, host, identity)];
    },

    async put(identity, token) {
      // The directory before the lock: an unusable one is reported once (not as a failed lock too).
      try {
        ensurePrivateDirectory(options.dir, fsPlatform);
      } catch (error) {
        writeFailed(error);
        return;
      }
      await withWriteLock(async (lock) => {
        const result = read();
        if (result.status === 'unsafe') return warnUnsafe(result.why);
        const base = result.doc ?? createEmptyDocument();
        const key = formatEntryKey(base.salt, token.host, identity);
        const { keep } = pruneEntries(Object.entries({ ...base.entries, [key]: token }), now());
        write({ ...base, entries: Object.fromEntries(keep) }, lock);
        removeStaleTempFiles(file, now(), ORPHAN_TEMP_AGE_MS, fsPlatform);
      });
    },

    async list(identity) {
      const doc = readUsable();
      if (!doc) return [];
      const current = now();
      return Object.entries(doc.entries)
        .filter(([key, t]) => isListedFor(key, t, doc.salt, identity, current))
        .map(([, t]) => t);
    },
  };
}
