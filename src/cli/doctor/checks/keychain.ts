import { KeychainUnavailableError } from '../../../errors';
import { countKeychainItems } from '../../../keychain/split-keychain';
import type { HelperServices } from '../../../services';
import { type CheckResult, fail, ok, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { messageOf } from '../doctor-check';

const KEYCHAIN_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS Keychain', win32: 'Windows Credential Manager' };

/**
 * The largest token item the keychain cache writes: ECR passwords run from ~1.8 to ~2.9 K
 * characters, and the cached JSON around one adds ~140.
 */
const LARGEST_TOKEN_ITEM = `${'x'.repeat(2900)}${' '.repeat(140)}`;

/** Whether a token fits one keychain item here, or how it is split (split-keychain.ts). */
function formatTokenFit(maxItemBytes: number | undefined): string {
  if (maxItemBytes === undefined) return 'holds a token in one item (no size limit here)';
  const items = countKeychainItems(LARGEST_TOKEN_ITEM, maxItemBytes);
  if (items === 1) return `holds a token in one item (at most ${maxItemBytes} bytes each here)`;
  return `a token is split into ${items - 1} parts and a header of at most ${maxItemBytes} bytes each here`;
}

async function checkKeychain(services: HelperServices, platform: NodeJS.Platform, dockerUsesCredsStore: boolean): Promise<CheckResult> {
  const name = 'keychain';
  const kind = KEYCHAIN_NAMES[platform] ?? 'Secret Service (D-Bus)';
  const needed =
    services.config.cacheBackend === 'keychain'
      ? 'AWS_ECR_CACHE_BACKEND=keychain keeps tokens there'
      : dockerUsesCredsStore
        ? 'credsStore keeps other registries’ logins there'
        : undefined;
  try {
    const stored = (await services.credentials.list()).size;
    return ok(
      name,
      `${kind} usable; ${stored} stored ${stored === 1 ? 'login' : 'logins'} for registries that are not ECR${needed ? ` (${needed})` : ''}; ${formatTokenFit(services.keychainItemBytes)}`,
    );
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) return fail(name, messageOf(error), 'see the log for details');
    if (needed)
      return fail(
        name,
        messageOf(error),
        services.config.cacheBackend === 'keychain'
          ? 'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file'
          : 'make the keychain usable, or use credHelpers entries for the ECR registries instead of credsStore',
      );
    return skip(name, `${kind} not usable (${messageOf(error)}); not needed: tokens are cached in a file and credsStore is not ecr-login`);
  }
}

/** The OS keychain: usable or not, and whether that matters here (the keychain backend, credsStore). */
export const keychainCheck: DoctorCheck = {
  name: 'keychain',
  async run({ services, deps }, facts) {
    return { result: await checkKeychain(services, deps.platform, facts.dockerUsesCredsStore === true) };
  },
};
