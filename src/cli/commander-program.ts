import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors';
import type { CommandContext } from './command-context';
import { COMMANDS, USAGE } from './commands';
import { formatVersion } from './version-command';

/**
 * Everything beyond a bare protocol action — `--help`, `--version`, mistakes — goes through
 * commander. It never exits the process or writes anywhere itself: help and version become
 * ordinary output, argument mistakes a `UsageError`.
 */
export async function runCommanderProgram(argv: readonly string[], ctx: CommandContext): Promise<void> {
  const program = new Command('docker-credential-ecr-login')
    .description('Docker credential helper for Amazon ECR: reads the request on stdin, answers on stdout.')
    .usage('<get|store|erase|list|version>')
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .version(formatVersion(ctx.version).trimEnd(), '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.output(text), writeErr: () => undefined })
    .showSuggestionAfterError(false)
    .addHelpText(
      'after',
      '\nConfigure it in ~/.docker/config.json:\n  {"credHelpers": {"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"}}\n',
    );
  for (const [name, spec] of Object.entries(COMMANDS)) {
    program
      .command(name)
      .description(spec.description)
      .helpOption(false)
      .action(() => spec.run(ctx));
  }

  if (argv.length === 0) throw new UsageError(USAGE);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help and --version end commander with exit code 0 after writing their text.
    if (error.exitCode === 0) return;
    throw new UsageError(`${error.message.replace(/^error: /, '')}\n${USAGE}`);
  }
}
