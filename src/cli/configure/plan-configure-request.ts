import { UsageError } from '../../errors';
import { formatDockerConfigKey } from '../../registry/format-docker-config-key';
import { isPublicRegistryHost } from '../../registry/is-public-registry-host';
import { parseRegistry } from '../../registry/parse-registry';
import { checkProfile, checkRegistryPattern, checkRoleArn, parseAliasOption, type SettingsRequest } from './edit-settings';

/**
 * What `configure` is asked to do, decided from its options alone before any file is read:
 * the options themselves, the contradictions and non-ECR hosts refused, and the hosts and
 * settings entries that the edits will write.
 */

/** `configure`'s command line, as commander parsed it. */
export interface ConfigureOptions {
  readonly registry: readonly string[];
  readonly allEcr?: boolean;
  readonly credsStore?: boolean;
  readonly containersAuth?: boolean;
  readonly dryRun?: boolean;
  /** Replace another helper's `credsStore` (refused without it). */
  readonly force?: boolean;
  readonly config?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly alias: readonly string[];
  /** Take this helper's entries out instead (`--registry`, `--alias` or `--all` say which). */
  readonly remove?: boolean;
  /** With `remove`: every entry of this helper's. */
  readonly all?: boolean;
}

/** The edits `configure` makes: hosts to route to this helper, and settings entries. */
export interface ConfigureRequest {
  readonly hosts: string[];
  readonly settings: SettingsRequest;
}

/**
 * `https://user@host/v2/` as people paste it: the docker-config key (registry/, the host and
 * port as docker looks them up, `:443` dropped, userinfo and path gone). A glob
 * (`*.dkr.ecr.us-east-1.amazonaws.com`, for the settings file) names no host: its own text,
 * lower case, without a scheme or path.
 */
export function hostOf(value: string): string {
  const key = formatDockerConfigKey(value);
  if (key !== undefined) return key;
  const withoutScheme = value.trim().replace(/^https?:\/\//i, '');
  // Up to the first `/`, found by hand: `\/.*$` rescans from every `/` of a long argument.
  const slash = withoutScheme.indexOf('/');
  return (slash < 0 ? withoutScheme : withoutScheme.slice(0, slash)).replace(/:443$/, '').toLowerCase();
}

/**
 * Why `--registry HOST` is refused for a host that is not ECR's: what this helper is for,
 * and what to do instead. An alias is offered only for a host that could be the user's own
 * name in front of ECR; for a public registry (Docker Hub, ghcr.io, …) it would send the ECR
 * token to that registry with every pull, so `configure --alias` and the settings file refuse
 * it, and it is not suggested.
 */
function formatNotEcrRegistry(value: string, host: string, withSettings: boolean): string {
  const refused = `--registry ${value} is not an Amazon ECR registry host${withSettings ? ', so a profile or role for it would never be used' : ''}`;
  const purpose =
    'this helper routes Amazon ECR registries (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), whose tokens come from AWS';
  if (isPublicRegistryHost(host))
    return `${refused}: ${purpose}; ${host} is a public registry: use docker login or its own credential helper for it`;
  const alias = `--alias ${host}=<ECR host>${withSettings ? ' and give the profile or role to the ECR host' : ''}`;
  return `${refused}: ${purpose}; if ${host} is a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run), use ${alias}`;
}

/**
 * Turns the options into the edits they ask for, refusing contradictions and anything the
 * helper could not serve, before any file is read.
 */
export function planConfigureRequest(options: ConfigureOptions): ConfigureRequest {
  if (options.all) throw new UsageError('--all goes with --remove (configure --remove --all): to route every ECR registry, use --all-ecr');
  const withSettings = options.profile !== undefined || options.roleArn !== undefined;
  if (options.containersAuth && options.credsStore) {
    throw new UsageError(
      '--creds-store and --containers-auth do not go together: podman, skopeo and buildah ignore credsStore; use --registry or --all-ecr',
    );
  }
  if (withSettings && options.registry.length === 0) {
    throw new UsageError(
      '--profile and --role-arn say how to reach a registry: name it with --registry HOST (a host, or a glob such as *.dkr.ecr.us-east-1.amazonaws.com)',
    );
  }
  if (options.registry.length === 0 && options.alias.length === 0 && !options.allEcr && !options.credsStore) {
    throw new UsageError(
      'nothing to configure: name registries with --registry HOST, or use --all-ecr, --creds-store or --alias ALIAS=HOST',
    );
  }
  const profile = options.profile === undefined ? undefined : checkProfile(options.profile);
  const roleArn = options.roleArn === undefined ? undefined : checkRoleArn(options.roleArn);
  const hosts: string[] = [];
  const registries: { pattern: string; profile?: string; roleArn?: string }[] = [];
  for (const value of options.registry) {
    const host = hostOf(value);
    const isGlob = host.includes('*');
    const isEcr = parseRegistry(host) !== undefined;
    if (withSettings) {
      // Such an entry would never be used: only ECR hosts get tokens, and an alias takes its target's entry.
      if (!isGlob && !isEcr) throw new UsageError(formatNotEcrRegistry(value, host, true));
      registries.push({ pattern: checkRegistryPattern(host), ...(profile && { profile }), ...(roleArn && { roleArn }) });
      // Docker matches credHelpers keys exactly: a glob gets its settings only.
      if (!isGlob) hosts.push(host);
      continue;
    }
    if (isGlob) {
      throw new UsageError(
        `--registry ${value}: docker matches credHelpers by exact host name, so a glob cannot go there; list the hosts, or use --creds-store (every registry) or --all-ecr`,
      );
    }
    if (!isEcr) throw new UsageError(formatNotEcrRegistry(value, host, false));
    hosts.push(host);
  }
  const aliases = options.alias.map(parseAliasOption);
  hosts.push(...aliases.map((alias) => alias.alias));
  return { hosts, settings: { registries, aliases } };
}
