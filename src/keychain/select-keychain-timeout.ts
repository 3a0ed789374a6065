/**
 * How long one keychain call may wait on macOS when nobody can answer a prompt: enough to start
 * the keychain process and make a call that needs no prompt (tens of milliseconds; a loaded CI
 * machine, a cold disk and the executable unpacking its addon the first time stay well under),
 * short of keeping a pull waiting on a dialog nobody will see.
 */
export const UNATTENDED_MACOS_TIMEOUT_MS = 3000;

export interface KeychainTimeoutOptions {
  /** What the command allows a keychain call (main.ts: at most 15 s, less than the command). */
  readonly budgetMs: number;
  readonly platform: NodeJS.Platform;
  /**
   * Whether the process has a controlling terminal (a person started the client from a shell).
   * Asked only on macOS.
   */
  readonly hasControllingTerminal: () => boolean;
}

/**
 * The deadline of each keychain call.
 *
 * On macOS, reading an item the login keychain does not trust this program for (another
 * build of it, after an update of an ad hoc signed build or of Node) makes the system show an
 * access dialog and the call waits for it. Where the session has no GUI (SSH) the system
 * refuses at once; where it has one that nobody watches (a CI runner logged in to a desktop,
 * a launchd job, a pull started by an IDE) the call would wait for its whole deadline, on
 * every `get`. So without a controlling terminal the call gets `UNATTENDED_MACOS_TIMEOUT_MS`,
 * and is then treated as no keychain (not-found, the client goes on anonymously).
 *
 * Why not "stdin or stdout is not a terminal": docker, skopeo, BuildKit and kubelet always
 * start the helper with pipes on both, so that test would call every invocation unattended,
 * and a person at a terminal could never answer the dialog. The controlling terminal is
 * inherited from the shell that started the client, and only such a session has a person
 * looking at the screen the dialog appears on, most of the time.
 *
 * Other platforms keep the budget: Windows' Credential Manager never prompts, and the Secret
 * Service prompts only to unlock a collection, which the user does once per session.
 */
export function selectKeychainTimeout(options: KeychainTimeoutOptions): number {
  const { budgetMs, platform, hasControllingTerminal } = options;
  if (platform !== 'darwin' || budgetMs <= UNATTENDED_MACOS_TIMEOUT_MS) return budgetMs;
  return hasControllingTerminal() ? budgetMs : UNATTENDED_MACOS_TIMEOUT_MS;
}
