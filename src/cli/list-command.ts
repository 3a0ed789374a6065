import { listCredentials } from '../protocol/docker/actions';
import type { CommandContext } from './command-context';

/** `list` reads no input: clients (regclient) call it with stdin closed or empty. */
export async function runListCommand(ctx: CommandContext): Promise<void> {
  ctx.output(await listCredentials(ctx.services));
}
