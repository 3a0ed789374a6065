import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors';
import type { CommandContext } from './command-context';
import { runEraseCommand } from './erase-command';
import { runGetCommand } from './get-command';
import { runListCommand } from './list-command';
import { runStoreCommand } from './store-command';
import { formatVersion, runVersionCommand } from './version-command';

export const USAGE = 'Usage: docker-credential-ecr-login <get|store|erase|list|version>';

/**
 * Wires argv to the commands. Commander never exits the process or writes anywhere itself:
 * help and version become ordinary output, and argument mistakes a `UsageError`.
 */
export async function runProgram(argv: readonly string[], ctx: CommandContext): Promise<void> {
  const program = new Command('docker-credential-ecr-login')
    .description('Docker credential helper for Amazon ECR: reads the request on stdin, answers on stdout.')
    .usage('<get|store|erase|list|version>')
    .helpOption('-h, --help', 'show this help')
    .version(formatVersion(ctx.version).trimEnd(), '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.output(text), writeErr: () => undefined })
    .showSuggestionAfterError(false)
    .addHelpText(
      'after',
      '\nConfigure it in ~/.docker/config.json:\n  {"credHelpers": {"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"}}\n',
    );

  const add = (name: string, description: string, run: (c: CommandContext) => Promise<void>): void => {
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .action(() => run(ctx));
  };
  add('get', 'print the credentials for the server URL read from stdin', runGetCommand);
  add('store', 'accept credentials JSON from stdin (a no-op for ECR registries)', runStoreCommand);
  add('erase', 'forget the credentials for the server URL read from stdin (a no-op for ECR)', runEraseCommand);
  add('list', 'print the registries that have a cached token, as JSON', runListCommand);
  add('version', 'print the version', runVersionCommand);

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
