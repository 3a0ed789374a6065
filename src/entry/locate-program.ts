import { basename, dirname, join } from 'node:path';

/** The name the program answers to (which protocol it speaks) and where its keychain worker is. */
export interface ProgramLocation {
  readonly name: string;
  readonly workerFile: string;
  /**
   * How to start the keychain process: `node <workerFile>` for the Node entry; the executable
   * itself in its hidden keychain mode (`KEYCHAIN_WORKER_ARG`), which runs the embedded worker.
   */
  readonly keychainCommand: readonly string[];
  /** The program's own file: the launcher as started (`argv[1]`), or the executable (`execPath`). */
  readonly file: string;
  /** How to start this program again (its background refresher): `node <launcher>`, or the executable. */
  readonly selfCommand: readonly string[];
}

/**
 * The virtual directory a Bun single-file executable (`npm run package`) serves its embedded
 * files from: `/$bunfs/root/` (`B:/~BUN/root/` on Windows). Its `process.argv[1]` lies there.
 */
/** The hidden first argument that makes the single-file executable the keychain process. */
export const KEYCHAIN_WORKER_ARG = '__keychain-worker';

const EMBEDDED_ROOT = /^(?:\/\$bunfs\/root|[A-Za-z]:[\\/]~BUN[\\/]root)[\\/]/;

/** Whether this is the single-file executable (its script lies in the embedded file system). */
export function isEmbedded(argv: readonly string[]): boolean {
  return EMBEDDED_ROOT.test(argv[1] ?? '');
}

/**
 * Where this program runs from, for the two ways it is shipped:
 * - from `bin/` on Node, `argv[1]` is the launcher by the name it was started as
 *   (`bin/ecr-credential-provider` requires the other launcher, but `argv[1]` stays its own),
 *   and the worker is the bundle's neighbour in `dist/` (`bundleDir`);
 * - as a compiled executable, `argv[1]` is the embedded entry under the name it was compiled
 *   with, whatever the file is called now, so the name comes from `argv0`, the name it was
 *   started by (a hard link's or a symlink's own name, as `execPath` of a symlink is not;
 *   `.exe` dropped on Windows); the worker is embedded beside the entry.
 */
export function locateProgram(argv: readonly string[], argv0: string, bundleDir: string, execPath: string): ProgramLocation {
  const script = argv[1] ?? '';
  if (EMBEDDED_ROOT.test(script)) {
    return {
      name: basename(argv0).replace(/\.exe$/i, ''),
      workerFile: join(dirname(script), 'keychain-worker.js'),
      keychainCommand: [execPath, KEYCHAIN_WORKER_ARG],
      file: execPath,
      selfCommand: [execPath],
    };
  }
  const workerFile = join(bundleDir, 'keychain-worker.js');
  return { name: basename(script), workerFile, keychainCommand: [execPath, workerFile], file: script, selfCommand: [execPath, script] };
}
