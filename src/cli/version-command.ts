import type { CommandContext } from './command-context';

/** The line printed by `version`, `--version` and `-v`. */
export function formatVersion(version: string): string {
  return `docker-credential-ecr-login ${version}\n`;
}

export async function runVersionCommand(ctx: CommandContext): Promise<void> {
  ctx.output(formatVersion(ctx.version));
}
