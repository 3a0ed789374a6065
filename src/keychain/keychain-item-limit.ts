/**
 * The most bytes the helper puts in one OS keychain item, per platform; a longer secret is
 * split across several (split-keychain.ts).
 *
 * - Windows: 2,560, `CRED_MAX_CREDENTIAL_BLOB_SIZE` (5 * 512, wincred.h), which
 *   windows-native-keyring-store enforces on every `setSecret` (`validate_secret`). A cached
 *   ECR token is 1.9–3.1 KB: the longer ones take a header and two parts.
 * - macOS: 16 KiB, chosen. Apple documents no limit on a generic password's data, and
 *   programs writing through the Security framework (as @napi-rs/keyring does) keep items of
 *   8–22 KB (inulute/cux#5). The 2–4 KB limits people meet on macOS are the `security -i`
 *   command line's (zalando/go-keyring#84), which this helper never runs. 16 KiB holds any ECR
 *   token item and a 3.2 KB ACR refresh token in one item with room to spare, and stays well
 *   inside what has been seen to work.
 * - Linux and the BSDs (the Secret Service): none. gnome-keyring and KWallet keep secrets of
 *   any size that fits a D-Bus message; a 200 KB item round-trips.
 */
const LIMITS: Partial<Record<NodeJS.Platform, number>> = { win32: 2560, darwin: 16 * 1024 };

/**
 * The limit for one item on `platform`, lowered to `chosen` when that is given and smaller
 * (`AWS_ECR_KEYCHAIN_ITEM_BYTES`, a test and diagnostic setting: it can only lower the limit,
 * never raise it past what the platform takes). Undefined: no limit.
 */
export function resolveKeychainItemLimit(platform: NodeJS.Platform, chosen: number | undefined): number | undefined {
  const limit = LIMITS[platform];
  if (chosen === undefined) return limit;
  return limit === undefined ? chosen : Math.min(limit, chosen);
}
