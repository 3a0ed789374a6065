import { eraseCredentials } from '../protocol/docker/actions';
import type { CommandContext } from './command-context';

export async function runEraseCommand(ctx: CommandContext): Promise<void> {
  ctx.output(await eraseCredentials(await ctx.readInput(), ctx.services));
}
