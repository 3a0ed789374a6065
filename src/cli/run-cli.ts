import { handleDockerAction, isDockerAction } from '../protocol/docker/handle-command';
import { handleCredentialProviderRequest } from '../protocol/kubelet/handle-request';
import { BACKGROUND_REFRESH_ARG, handleRefreshRequest } from '../protocol/refresh/background-refresh';
import type { CommandContext } from './command-context';

/** The name kubelet knows the provider by (AWS's plugin's), and a second name of this program. */
export const PROVIDER_PROGRAM = 'ecr-credential-provider';

/**
 * What an invocation speaks: the docker credential-helper protocol, kubelet's, neither (a
 * command for a person or a script, such as `kubelet-config`), or the hidden mode of the
 * helper's own detached token refresher (protocol/refresh), under either program name.
 */
export type Protocol = 'docker' | 'kubelet' | 'command' | 'refresh';

/** Commands that are not a protocol's: their output is for a person or a file. */
const COMMANDS: ReadonlySet<string> = new Set(['get-login-password', 'kubelet-config', 'configure', 'doctor']);

/** What the provider name still answers as a command line rather than a kubelet request. */
const COMMAND_LINE_ONLY: ReadonlySet<string> = new Set(['--help', '-h', '--version', '-v', 'version', ...COMMANDS]);

/**
 * kubelet runs the provider as `ecr-credential-provider` (the file name in its bin dir) with the
 * configured `args`, usually `get-credentials`, which it may follow with more: both the name
 * and that first argument select the kubelet protocol, and further arguments are ignored as
 * AWS's plugin ignores them. Everything else is the docker credential-helper protocol.
 */
export function selectProtocol(programName: string, argv: readonly string[]): Protocol {
  const [first] = argv;
  if (first === BACKGROUND_REFRESH_ARG) return 'refresh';
  // `get-credentials --help` is a person asking; kubelet's own arguments are ignored.
  if (first === 'get-credentials') return argv[1] === '--help' || argv[1] === '-h' ? 'command' : 'kubelet';
  if (first !== undefined && COMMANDS.has(first)) return 'command';
  if (programName === PROVIDER_PROGRAM && (first === undefined || !COMMAND_LINE_ONLY.has(first))) return 'kubelet';
  return 'docker';
}

/**
 * Runs the command line. A kubelet request, or a bare docker protocol action (`get`, `store`,
 * …: every call a client makes) goes straight to its protocol's handler; anything else —
 * options, help, version flags, mistakes, `kubelet-config` — loads commander, whose commands
 * end in the same handlers, from bundles of their own (dist/deferred.js, then
 * dist/cli-commands.js; see scripts/build.mjs). Why: loading commander pulls in
 * `child_process` and friends, several milliseconds of a cache hit that should cost little
 * more than starting Node.
 */
export async function runCli(argv: readonly string[], protocol: Protocol, ctx: CommandContext): Promise<void> {
  if (protocol === 'kubelet') return ctx.output(await handleCredentialProviderRequest(await ctx.readInput(), ctx.services));
  if (protocol === 'refresh') {
    await handleRefreshRequest(argv[1] ?? '', ctx.services);
    return;
  }
  const [action] = argv;
  if (argv.length === 1 && action !== undefined && isDockerAction(action)) {
    return handleDockerAction(action, ctx, ctx.services, ctx.version);
  }
  const { runCommanderProgram } = await import('./deferred');
  return runCommanderProgram(argv, ctx);
}
