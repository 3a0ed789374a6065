import { statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import type { ClientEnv } from '../config';

/** Whether `file` is a program a shell would run (tests pass their own). */
export type IsExecutableFile = (file: string, platform: NodeJS.Platform) => boolean;

/** Windows' default when PATHEXT is unset (cmd.exe's, and Go's exec.LookPath's). */
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/**
 * Where a program `name` is found on PATH, the way docker finds a credential helper (Go's
 * `exec.LookPath`): each PATH entry in order; on Windows with each PATHEXT extension (entries
 * split on `;`), elsewhere only files with an execute bit. Empty entries (the current
 * directory) are skipped: Go refuses a program found through them (exec.ErrDot).
 * Undefined when there is none.
 */
export function findOnPath(
  name: string,
  env: ClientEnv,
  platform: NodeJS.Platform,
  isExecutableFile: IsExecutableFile = defaultIsExecutableFile,
): string | undefined {
  const windows = platform === 'win32';
  const path = windows ? win32 : posix;
  const delimiter = windows ? ';' : ':';
  const dirs = (env.PATH ?? '')
    .split(delimiter)
    .map((dir) => dir.replace(/^"(.*)"$/, '$1'))
    .filter((dir) => dir !== '' && path.isAbsolute(dir));
  const extensions = windows
    ? (env.PATHEXT ?? DEFAULT_PATHEXT)
        .split(';')
        .filter((ext) => ext.startsWith('.'))
        .map((ext) => ext.toLowerCase())
    : [''];
  // A name given with one of the extensions is looked up as it is, too (Go does the same).
  const names = windows && extensions.some((ext) => name.toLowerCase().endsWith(ext)) ? [name] : extensions.map((ext) => name + ext);
  for (const dir of dirs) {
    for (const candidate of names) {
      const file = path.join(dir, candidate);
      if (isExecutableFile(file, platform)) return file;
    }
  }
  return undefined;
}

function defaultIsExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (platform === 'win32' || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
