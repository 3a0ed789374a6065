import type { CommandContext } from './command-context';
import { COMMANDS } from './commands';

/**
 * Runs the command line. A bare protocol action (`get`, `store`, …: every call a client
 * makes) is dispatched directly; anything else loads commander. Why: loading commander
 * pulls in `child_process` and friends, ~10 ms of a ~70 ms cache hit on the development
 * machine, and the cache-hit path has a budget of a few milliseconds over `node -e 0`.
 */
export async function runProgram(argv: readonly string[], ctx: CommandContext): Promise<void> {
  const spec = argv.length === 1 && argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
  if (spec) return spec.run(ctx);
  const { runCommanderProgram } = await import('./commander-program');
  return runCommanderProgram(argv, ctx);
}
