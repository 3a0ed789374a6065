import { storeCredentials } from '../protocol/docker/actions';
import type { CommandContext } from './command-context';

export async function runStoreCommand(ctx: CommandContext): Promise<void> {
  ctx.output(await storeCredentials(await ctx.readInput(), ctx.services));
}
