import { handleDockerAction, isDockerAction } from '../protocol/docker/handle-command';
import type { CommandContext } from './command-context';

/**
 * Runs the command line. A bare protocol action (`get`, `store`, …: every call a client
 * makes) goes straight to the protocol's dispatch; anything else — options, help, version
 * flags, mistakes — loads commander, whose commands end in the same dispatch. Why: loading
 * commander pulls in `child_process` and friends, several milliseconds of a cache hit that
 * should cost little more than starting Node.
 */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<void> {
  const [action] = argv;
  if (argv.length === 1 && action !== undefined && isDockerAction(action)) {
    return handleDockerAction(action, ctx, ctx.services, ctx.version);
  }
  const { runCommanderProgram } = await import('./commander-program');
  return runCommanderProgram(argv, ctx);
}
