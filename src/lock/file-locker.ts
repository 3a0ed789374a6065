import { lstatSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex, sha256Hex } from '../hash';
import type { Logger } from '../log';
import { errorCode, type FsPlatform } from '../safe-fs/fs-platform';
import { ensurePrivateDirectory, UnsafePathError } from '../safe-fs/private-directories';
import { readOwnFile } from '../safe-fs/read-files';
import { createFileExclusive, writeFileAtomic } from '../safe-fs/write-files';
import type { LockAttempt, Locker } from './locker';
import { createDirectoryWaiter } from './watch-directory';

export interface FileLockerOptions {
  /** Lock files live in `<dir>/locks/`. */
  readonly dir: string;
  readonly logger: Logger;
  /** Whose the lock directory and the salt must be, and how they are opened (the entry's). */
  readonly fsPlatform: FsPlatform;
  /**
   * A lock whose holder stopped refreshing it (killed process) is taken over after this
   * long. The holder refreshes it every `staleMs / 5`.
   */
  readonly staleMs?: number;
}

const SALT = /^[0-9a-f]{32}$/;

/**
 * Whether another process visibly holds the lock: its directory is there, refreshed within
 * `staleMs` (so proper-lockfile would answer ELOCKED, and not take it over). One lstat, so
 * that processes waiting for a holder neither load nor run the lock library on every poll:
 * 23 of 24 cold gets at once do little else while the first fetches the token.
 *
 * proper-lockfile judges staleness by that mtime, so a lock stamped in the future (the clock
 * stepped back since) would never go stale: every miss would wait for it in vain. A lock
 * dated further ahead than any holder could have refreshed it is removed here (not held).
 */
function isVisiblyHeld(lockDir: string, staleMs: number): boolean {
  let age: number;
  try {
    age = Date.now() - lstatSync(lockDir).mtimeMs;
  } catch {
    return false;
  }
  if (age >= -staleMs) return age < staleMs;
  try {
    rmdirSync(lockDir);
  } catch {
    // Someone else removed it first.
  }
  return false;
}

/**
 * A claim is a file holding the time it was made (the caller's clock, as the cache's times:
 * not the file's mtime, which a test's shifted clock or a corrected one would disagree with).
 * Made with O_EXCL, so of processes racing for a new claim one wins; an expired claim (or one
 * dated in the future by more than its length, after a clock correction) is replaced.
 */
function claimFile(file: string, nowMs: number, forMs: number, fsPlatform: FsPlatform): boolean {
  const stamp = `${nowMs}\n`;
  if (createFileExclusive(file, stamp, fsPlatform)) return true;
  const read = readOwnFile(file, 64, { platform: fsPlatform });
  const at = read.status === 'ok' ? Number(read.text.trim()) : Number.NaN;
  if (Number.isFinite(at) && nowMs - at < forMs && at - nowMs < forMs) return false;
  writeFileAtomic(file, stamp, { platform: fsPlatform });
  return true;
}

/**
 * Takes the lock directory `<file>.lock` with proper-lockfile, without waiting: stale after
 * `staleMs` unrefreshed, refreshed by this process meanwhile.
 */
async function lockFile(file: string, staleMs: number, logger: Logger): Promise<LockAttempt> {
  if (isVisiblyHeld(`${file}.lock`, staleMs)) return { status: 'busy' };
  const { lock } = await import('proper-lockfile');
  try {
    const release = await lock(file, {
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 5)),
      retries: 0,
      // The default throws from a timer, which would crash the helper mid-answer.
      onCompromised: (error) => logger.warn(`a lock was taken over: ${error.message}`),
    });
    // A takeover removes the lock directory and makes a new one: same path, another directory.
    const mine = statSync(`${file}.lock`);
    const isStillHeld = (): boolean => {
      try {
        const now = statSync(`${file}.lock`);
        return now.ino === mine.ino && now.birthtimeMs === mine.birthtimeMs;
      } catch {
        return false;
      }
    };
    return { status: 'acquired', release, isStillHeld };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOCKED') return { status: 'busy' };
    return { status: 'unavailable', reason: code };
  }
}

/**
 * Cross-process locks as lock directories (`mkdir` is atomic on every local filesystem),
 * managed by proper-lockfile: stale detection by mtime, periodic refresh by the holder.
 * A lock's file is named by a hash of its name salted with a random value kept in
 * `locks/salt`, like the cache keys, so lock files reveal neither registry nor identity.
 * proper-lockfile is loaded lazily: only a cache miss or a write needs a lock.
 */
export function createFileLocker(options: FileLockerOptions): Locker {
  const lockDir = join(options.dir, 'locks');
  const saltFile = join(lockDir, 'salt');
  const staleMs = options.staleMs ?? 5000;
  const { fsPlatform } = options;
  let salt: string | undefined;
  // A holder's release removes its lock directory from `locks/`: waiters wake on that.
  const changes = createDirectoryWaiter(lockDir);

  /** The salt of this lock directory, created by the first process that needs one. */
  const readSalt = (): string => {
    if (salt) return salt;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const read = readOwnFile(saltFile, 1024, { platform: fsPlatform });
      if (read.status === 'ok' && SALT.test(read.text.trim())) {
        salt = read.text.trim();
        return salt;
      }
      if (read.status === 'missing') {
        createFileExclusive(saltFile, `${randomHex(16)}\n`, fsPlatform);
        continue;
      }
      // Damaged or unsafe (a link, someone else's file): replace it. Processes that still
      // hold the old salt lose single flight for a moment, never correctness.
      options.logger.warn(`lock salt ${saltFile} is unusable (${read.status}); replacing it`);
      writeFileAtomic(saltFile, `${randomHex(16)}\n`, { platform: fsPlatform });
    }
    throw new Error(`cannot read or create ${saltFile}`);
  };

  /** The private lock directory made, the path of `name`'s files in it (by a salted hash). */
  const pathOf = (name: string): string => {
    ensurePrivateDirectory(options.dir, fsPlatform);
    ensurePrivateDirectory(lockDir, fsPlatform);
    return join(lockDir, sha256Hex(`${readSalt()}\0${name}`).slice(0, 32));
  };

  return {
    changes,

    claim(name, nowMs, forMs): boolean {
      try {
        return claimFile(`${pathOf(name)}.claim`, nowMs, forMs, fsPlatform);
      } catch {
        // Claims cannot be kept here (an unusable directory is reported by the locks): go ahead.
        return true;
      }
    },

    async tryLock(name): Promise<LockAttempt> {
      let file: string;
      try {
        file = pathOf(name);
      } catch (error) {
        if (error instanceof UnsafePathError) {
          options.logger.tellUnsafe(error);
          return { status: 'unavailable', reason: error.message };
        }
        return { status: 'unavailable', reason: errorCode(error) };
      }
      return lockFile(file, staleMs, options.logger);
    },
  };
}
