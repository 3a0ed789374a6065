import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../log';
import { type Locker, NO_LOCKER, sleepFor, withLock } from '../resolver/with-lock';
import {
  type CacheDocument,
  createEmptyDocument,
  formatEntryKey,
  isListedFor,
  MAX_ENTRIES,
  parseCacheDocument,
  pruneDocument,
} from './cache-document';
import { CacheWriteError, type CachedToken, type TokenStore } from './token-store';

export interface FileStoreOptions {
  /** The cache directory (`AWS_ECR_CACHE_DIR`); created 0700 on first write. */
  readonly dir: string;
  readonly now: () => number;
  readonly logger: Logger;
  /** Serialises read-modify-write cycles across processes; default: no other writer. */
  readonly locker?: Locker;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A writer waits this long for another writer (which holds the lock for milliseconds). */
const MAX_WRITE_LOCK_WAIT_MS = 5000;
/** Temp files of writers killed mid-write are removed once this old. */
const ORPHAN_TEMP_AGE_MS = 60_000;

/** Larger than any real cache; a bigger file is not ours to parse. */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

type ReadResult =
  | { readonly status: 'ok'; readonly doc: CacheDocument }
  | { readonly status: 'missing' | 'corrupt'; readonly doc: undefined }
  /** A symlink or someone else's file: neither read nor overwritten. */
  | { readonly status: 'unsafe'; readonly doc: undefined; readonly why: string };

/** The cache file path inside a cache directory. */
export function formatCacheFilePath(dir: string): string {
  return join(dir, 'cache.json');
}

/**
 * The token cache in `<dir>/cache.json` (versioned JSON, 0600), replaced atomically on every
 * write (temp file, fsync, rename) so that readers never see a half-written file and need
 * no lock.
 */
export function createFileStore(options: FileStoreOptions): TokenStore {
  const file = formatCacheFilePath(options.dir);
  const { logger, now } = options;
  const locker = options.locker ?? NO_LOCKER;
  const sleep = options.sleep ?? sleepFor;
  const withWriteLock = <T>(fn: () => Promise<T>): Promise<T> =>
    withLock(locker, 'cache-write', { logger, now, sleep, maxWaitMs: MAX_WRITE_LOCK_WAIT_MS }, fn);
  const told = new Set<string>();

  /** One warning per cause per process, so a broken cache is not a wall of text. */
  const warnOnce = (key: string, message: string, toUser: boolean): void => {
    if (told.has(key)) return;
    told.add(key);
    if (toUser) logger.tell(message);
    else logger.warn(message);
  };

  const read = (): ReadResult => {
    let fd: number;
    try {
      // O_NOFOLLOW: a symlink planted at the cache path must not redirect our reads or writes.
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { status: 'missing', doc: undefined };
      if (code === 'ELOOP') return { status: 'unsafe', doc: undefined, why: `${file} is a symbolic link` };
      warnOnce('unreadable', `cannot read token cache ${file} (${code ?? String(error)}); treating it as empty`, false);
      return { status: 'corrupt', doc: undefined };
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { status: 'unsafe', doc: undefined, why: `${file} is not a regular file` };
      const uid = process.getuid?.();
      if (uid !== undefined && stat.uid !== uid) {
        return { status: 'unsafe', doc: undefined, why: `${file} is owned by uid ${stat.uid}, not by you (uid ${uid})` };
      }
      if (stat.size > MAX_CACHE_BYTES) {
        warnOnce('corrupt', `token cache ${file} is implausibly large; rebuilding it`, false);
        return { status: 'corrupt', doc: undefined };
      }
      const text = readFileSync(fd, 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const doc = parseCacheDocument(parsed);
      if (!doc) {
        warnOnce('corrupt', `token cache ${file} is unreadable (corrupt, truncated or another version); rebuilding it`, false);
        return { status: 'corrupt', doc: undefined };
      }
      return { status: 'ok', doc };
    } finally {
      closeSync(fd);
    }
  };

  /** A symlink or a foreign file is neither read nor replaced; the user is told once. */
  const warnUnsafe = (why: string): void =>
    warnOnce('unsafe', `not using the token cache: ${why}; remove it to re-enable caching`, true);

  const readUsable = (): CacheDocument | undefined => {
    const result = read();
    if (result.status === 'unsafe') warnUnsafe(result.why);
    return result.doc;
  };

  /** Removes `cache.json.<hex>` temp files left by writers that were killed mid-write. */
  const removeOrphanTempFiles = (): void => {
    try {
      const prefix = `${basename(file)}.`;
      for (const name of readdirSync(options.dir)) {
        if (!name.startsWith(prefix) || !/^[0-9a-f]+$/.test(name.slice(prefix.length))) continue;
        const temp = join(options.dir, name);
        if (now() - lstatSync(temp).mtimeMs > ORPHAN_TEMP_AGE_MS) rmSync(temp, { force: true });
      }
    } catch {
      // Housekeeping only.
    }
  };

  const write = async (doc: CacheDocument): Promise<void> => {
    try {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      // Lazy: only the write path pays for loading the library.
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(file, `${JSON.stringify(doc)}\n`, { mode: 0o600, fsync: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new CacheWriteError(`cannot write token cache ${file} (${code})`, { cause: error });
    }
  };

  return {
    async get(host, identity) {
      const doc = readUsable();
      if (!doc) return undefined;
      return doc.entries[formatEntryKey(doc.salt, host, identity)];
    },

    async put(identity, token) {
      await withWriteLock(async () => {
        const result = read();
        if (result.status === 'unsafe') return warnUnsafe(result.why);
        // Re-read under the lock so entries written meanwhile by other processes survive.
        const base = result.doc ?? createEmptyDocument();
        const key = formatEntryKey(base.salt, token.host, identity);
        await write(pruneDocument({ ...base, entries: { ...base.entries, [key]: token } }, now(), MAX_ENTRIES));
        removeOrphanTempFiles();
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
