import { ConfigError } from '../../errors';
import { isUnchanged, type LoadedFile } from './config-file';

/** An edit of one file, as planned from its text. */
export interface FileEdit {
  readonly text: string;
  /** One line per change; none when the file already says it all. */
  readonly changes: readonly string[];
  /** Lines for stderr (a credsStore replaced, say). */
  readonly warnings: readonly string[];
  /** The edit makes `credsStore` this helper: the OS keychain must answer (run-configure.ts). */
  readonly setsCredsStore?: boolean;
}

/** A file as read, and the edit planned from it. */
export interface PlannedEdit extends FileEdit {
  readonly file: LoadedFile;
}

/** Time for the waits; tests pass a fake clock. */
export interface EditClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * How long a file may look like another program is rewriting it in place (truncated, then
 * written: editors, scripts and some tools do so) before configure gives up on it, counted from
 * its first read (re-plans included). Such a rewrite takes milliseconds; a tool that
 * truncates, thinks and writes, a second or two.
 */
export const SETTLE_MS = 3000;
/** Between two looks at a file being rewritten. */
const POLL_MS = 50;

/**
 * Reads a file and plans its edit, unless it looks like it is being rewritten in place at
 * that moment: an existing file that is empty (never a document anyone keeps: `touch` or a
 * truncate) is read again every 50 ms until it has content, until `deadline` (the run's first
 * read of it plus `SETTLE_MS`), then refused; a file `edit` refuses (cut short, say) is looked
 * at once more after 50 ms and read again if it changed meanwhile. An edit planned from an empty or half-written read would
 * replace the user's file with only what configure adds.
 */
export async function planFileEdit(
  load: () => LoadedFile,
  edit: (file: LoadedFile) => FileEdit,
  clock: EditClock,
  deadline: number,
): Promise<PlannedEdit> {
  for (;;) {
    const file = load();
    if (file.text === '') {
      if (clock.now() >= deadline) {
        throw new ConfigError(
          `not changing ${file.path}: it is empty, and stayed so for ${SETTLE_MS / 1000} s (another program may be rewriting it); nothing written: run configure again, or remove the file if it is meant to be empty`,
        );
      }
      await clock.sleep(POLL_MS);
      continue;
    }
    try {
      return { file, ...edit(file) };
    } catch (error) {
      if (!(error instanceof ConfigError) || clock.now() >= deadline) throw error;
      await clock.sleep(POLL_MS);
      // A file that stays as it is is the user's as it is: refused at once, as before.
      if (isUnchanged(file)) throw error;
    }
  }
}
