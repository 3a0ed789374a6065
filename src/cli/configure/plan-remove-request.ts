import { UsageError } from '../../errors';
import { checkRegistryPattern } from './edit-settings';
import { type ConfigureOptions, hostOf } from './plan-configure-request';
import type { RemoveRequest } from './remove-entries';

/** The options that add something, which `--remove` does not go with. */
const ADDING: readonly [keyof ConfigureOptions, string][] = [
  ['allEcr', '--all-ecr'],
  ['credsStore', '--creds-store'],
  ['profile', '--profile'],
  ['roleArn', '--role-arn'],
  ['force', '--force'],
];

/**
 * An alias as `--alias` names it for removal: `NAME` or `NAME=HOST` (as it was added), NAME
 * read as `--registry` reads a host (`hostOf`: scheme, userinfo and path gone, lower case,
 * `:443` dropped), since people paste it the same way.
 */
function aliasNameOf(value: string): string {
  const name = hostOf(value.split('=')[0] ?? '');
  if (name === '') throw new UsageError(`--alias ${JSON.stringify(value)}: with --remove, name the alias: --alias NAME`);
  return name;
}

/**
 * `configure --remove`: what to take out, from the options alone. `--registry HOST` (a host,
 * or a settings glob), `--alias NAME`, or `--all`; nothing that adds goes with it.
 */
export function planRemoveRequest(options: ConfigureOptions): RemoveRequest {
  const adding = ADDING.filter(([key]) => options[key] !== undefined && options[key] !== false).map(([, flag]) => flag);
  if (adding.length > 0) throw new UsageError(`--remove does not go with ${adding.join(', ')}: run configure once to remove, once to add`);
  const all = options.all === true;
  if (all && (options.registry.length > 0 || options.alias.length > 0)) {
    throw new UsageError('--remove --all takes out every entry of this helper: leave out --registry and --alias, or --all');
  }
  if (!all && options.registry.length === 0 && options.alias.length === 0) {
    throw new UsageError(
      'nothing to remove: name what with --registry HOST or --alias NAME, or remove every entry of this helper with --all',
    );
  }
  const patterns = options.registry.map((value) => {
    const host = hostOf(value);
    return host.includes('*') ? checkRegistryPattern(host) : host;
  });
  const aliases = options.alias.map(aliasNameOf);
  return { hosts: [...patterns.filter((p) => !p.includes('*')), ...aliases], patterns, aliases, all };
}
