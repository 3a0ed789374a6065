import { createOsKeychain, type Keychain, type OsKeychainOptions } from '../keychain/os-keychain';
import { createSplitKeychain } from '../keychain/split-keychain';
import type { CommandContext } from './command-context';

/*
 * What a cache hit never runs, in a bundle of its own (dist/deferred.js, see
 * scripts/build.mjs): the AWS side of a miss, the OS keychain, and the way to the commands
 * for people. The entry and run-cli.ts load it with a dynamic import when one is needed. On
 * Node a hit compiled and initialised this code on every docker pull before (~1 ms of ~28).
 */

export { createEcrTokenSource } from '../aws/create-ecr-token-source';

/** The OS keychain in text, items of at most `maxItemBytes` (longer secrets split, split-keychain.ts). */
export function createKeychain(options: OsKeychainOptions & { readonly maxItemBytes: number | undefined }): Keychain {
  const { maxItemBytes, ...os } = options;
  return createSplitKeychain(createOsKeychain(os), { platform: os.platform, maxItemBytes });
}

/** Anything but a bare protocol action: commander and the commands, from their own bundle (cli-commands.js). */
export async function runCommanderProgram(argv: readonly string[], ctx: CommandContext): Promise<void> {
  const commands = await import('./commander-program');
  return commands.runCommanderProgram(argv, ctx);
}
