import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { LockAttempt, Locker } from '../resolver/with-lock';

export interface FileLockerOptions {
  /** Lock files live in `<dir>/locks/`. */
  readonly dir: string;
  readonly logger: Logger;
  /**
   * A lock whose holder stopped refreshing it (killed process) is taken over after this
   * long. The holder refreshes it every `staleMs / 5`.
   */
  readonly staleMs?: number;
}

/**
 * Cross-process locks as lock directories (`mkdir` is atomic on every local filesystem),
 * managed by proper-lockfile: stale detection by mtime, periodic refresh by the holder.
 * Loaded lazily: only a cache miss or a write needs a lock.
 */
export function createFileLocker(options: FileLockerOptions): Locker {
  const lockDir = join(options.dir, 'locks');
  const staleMs = options.staleMs ?? 5000;
  return {
    async tryLock(name): Promise<LockAttempt> {
      try {
        mkdirSync(lockDir, { recursive: true, mode: 0o700 });
      } catch (error) {
        return { status: 'unavailable', reason: (error as NodeJS.ErrnoException).code ?? String(error) };
      }
      const { lock } = await import('proper-lockfile');
      const file = join(lockDir, name);
      try {
        const release = await lock(file, {
          realpath: false,
          stale: staleMs,
          update: Math.max(1000, Math.floor(staleMs / 5)),
          retries: 0,
          // The default throws from a timer, which would crash the helper mid-answer.
          onCompromised: (error) => options.logger.warn(`lock ${name} was taken over: ${error.message}`),
        });
        return { status: 'acquired', release };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOCKED') return { status: 'busy' };
        return { status: 'unavailable', reason: code ?? String(error) };
      }
    },
  };
}
