import { getCredentials } from '../protocol/docker/actions';
import type { CommandContext } from './command-context';

export async function runGetCommand(ctx: CommandContext): Promise<void> {
  ctx.output(await getCredentials(await ctx.readInput(), ctx.services));
}
