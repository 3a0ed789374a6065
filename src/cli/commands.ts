import type { CommandContext } from './command-context';
import { runEraseCommand } from './erase-command';
import { runGetCommand } from './get-command';
import { runListCommand } from './list-command';
import { runStoreCommand } from './store-command';
import { runVersionCommand } from './version-command';

export interface CommandSpec {
  readonly description: string;
  readonly run: (ctx: CommandContext) => Promise<void>;
}

/** The protocol actions: exactly what docker runs as `docker-credential-ecr-login <action>`. */
export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  get: { description: 'print the credentials for the server URL read from stdin', run: runGetCommand },
  store: { description: 'accept credentials JSON from stdin (a no-op for ECR registries)', run: runStoreCommand },
  erase: { description: 'forget the credentials for the server URL read from stdin (a no-op for ECR)', run: runEraseCommand },
  list: { description: 'print the registries that have a cached token, as JSON', run: runListCommand },
  version: { description: 'print the version', run: runVersionCommand },
};

export const USAGE = 'Usage: docker-credential-ecr-login <get|store|erase|list|version>';
