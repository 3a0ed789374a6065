import { type FSWatcher, watch } from 'node:fs';
import type { LockChanges } from './locker';

/**
 * Waits for a change in `dir` — an entry made, removed, renamed or touched — or for `maxMs`,
 * whichever comes first: how processes waiting for a lock learn at once that its holder
 * released it (the lock directory in `dir` removed), instead of polling on a timer. The
 * watcher (inotify, FSEvents, ReadDirectoryChangesW through fs.watch) starts with the first
 * wait and stays for the process, not keeping it alive; a change seen between two waits ends
 * the next one at once. Where the directory cannot be watched (no such directory, the
 * system's watch limit reached) `watch()` says so, and every wait lasts its `maxMs`. A
 * network file system may send no events for another machine's changes: waits then last
 * their `maxMs` too (withLock bounds them at 100 ms, plus jitter).
 */
export function createDirectoryWaiter(dir: string): LockChanges {
  let watcher: FSWatcher | undefined;
  let unusable = false;
  let changed = false;
  const waiting = new Set<() => void>();

  const onChange = (): void => {
    if (waiting.size === 0) changed = true;
    for (const wake of waiting) wake();
  };
  const start = (): void => {
    if (watcher || unusable) return;
    try {
      watcher = watch(dir, { persistent: false }, onChange);
      watcher.on('error', () => {
        unusable = true;
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      unusable = true;
    }
  };

  return {
    watch: () => {
      start();
      return watcher !== undefined;
    },
    wait: (maxMs) => {
      start();
      if (changed) {
        changed = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, maxMs);
        waiting.add(wake);
      });
    },
  };
}
