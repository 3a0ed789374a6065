import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { BACKGROUND_REFRESH_ARG } from '../protocol/refresh/background-refresh';

/** Starts a process (tests: a fake); `child_process.spawn`, loaded only when a refresh is due. */
export type Spawn = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

function defaultSpawn(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  // Required here, not imported: a plain cache hit must not load node:child_process (hot-path.test.ts).
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  return spawn(file, [...args], options);
}

/**
 * The entry's way to start this program as a background refresher (protocol/refresh):
 * `command` (the program as it runs now: `node <launcher>`, or the executable) with the hidden
 * argument and the target. Detached — its own session on POSIX, its own process group and no
 * console window on Windows — so that it outlives this process, which exits with its answer;
 * its stdin, stdout and stderr on the null device (`/dev/null`, `NUL`), because docker and
 * kubelet read the helper's pipes to EOF, and a child holding them would hold the client for
 * as long as the refresh takes; unreferenced, so that nothing here waits for it. It inherits
 * the environment, so it resolves the same identity, settings and cache. Returns whether it
 * started (a spawn that fails — EAGAIN under `ulimit -u` — leaves no pid): if not, the caller
 * refreshes before answering, as without a refresher.
 */
export function createRefresherStarter(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  spawn: Spawn = defaultSpawn,
): (target: string) => boolean {
  const [file = '', ...prefix] = command;
  return (target) => {
    let child: ChildProcess;
    try {
      child = spawn(file, [...prefix, BACKGROUND_REFRESH_ARG, target], { detached: true, stdio: 'ignore', windowsHide: true, env });
    } catch {
      return false;
    }
    // A spawn failure is also emitted as an event; without a listener it would throw.
    child.once('error', () => undefined);
    child.unref();
    return child.pid !== undefined;
  };
}
