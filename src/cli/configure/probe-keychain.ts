import { withDeadline } from '../../aws/with-deadline';
import { KeychainUnavailableError } from '../../errors';
import type { CredentialStore } from '../../keychain/credential-store';

/**
 * Whether the OS keychain answers here, as `doctor`'s keychain check asks it (listing the
 * logins kept for registries that are not ECR): undefined when it does, else why not. The
 * keychain's own calls are bounded by the budget main.ts gives `configure`
 * (`keychainBudgetOf`, keychain-budget.ts); `deadlineMs` bounds the whole probe all the same.
 */
export async function probeKeychain(credentials: CredentialStore, deadlineMs: number): Promise<string | undefined> {
  try {
    await withDeadline(
      credentials.list(),
      deadlineMs,
      () => new KeychainUnavailableError(`the keychain did not answer within ${deadlineMs / 1000} s`),
    );
    return undefined;
  } catch (error) {
    if (error instanceof KeychainUnavailableError) return error.message;
    throw error;
  }
}
