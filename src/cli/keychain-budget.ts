/**
 * How long `configure --creds-store` waits for the keychain to answer before it says none does.
 * Not exported: esbuild inlines an imported constant and then leaves its module out of the
 * importing bundle's inputs, which scripts/build.mjs reads to publish modules across bundles
 * (the command bundle then read undefined; build.mjs now makes that a load error). Other
 * bundles call `keychainBudgetOf` instead.
 */
const CONFIGURE_KEYCHAIN_PROBE_MS = 5000;

/**
 * How long the keychain may take in `command` (the command line's first word): up to the
 * command's whole time but a second; for `configure`, a few seconds
 * (CONFIGURE_KEYCHAIN_PROBE_MS); and for `doctor`, which runs its network checks first (each
 * up to a quarter of the command's time), an eighth of it, so that its report still comes in
 * time with a keychain that never answers.
 */
export function keychainBudgetOf(command: string | undefined, commandTimeoutMs: number): number {
  if (command === 'doctor') return Math.floor(commandTimeoutMs / 8);
  // configure asks the keychain only whether it answers (for --creds-store): a short wait.
  if (command === 'configure') return Math.min(CONFIGURE_KEYCHAIN_PROBE_MS, Math.floor(commandTimeoutMs / 8));
  return commandTimeoutMs - 1000;
}
