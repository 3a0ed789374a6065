import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../../config';
import { ConfigError, UsageError } from '../../errors';
import type { Locker } from '../../lock/locker';
import { withLock } from '../../lock/with-lock';
import type { Logger } from '../../log';
import { parseRegistry } from '../../registry/parse-registry';
import { parseSettings } from '../../settings/parse-settings';
import { DOCKER_HELPER_PROGRAM } from '../find-on-path';
import { type AskVersion, formatOtherAnswer, formatShadowFix, identifyHelperOnPath, VERSION_TIMEOUT_MS } from '../helper-on-path';
import { resolveContainersAuthFile, resolveDockerConfigFile } from './client-files';
import { type LoadedFile, loadConfigFile, saveConfigFile } from './config-file';
import { editClientConfig, HELPER_NAME } from './edit-client-config';
import { checkProfile, checkRegistryPattern, checkRoleArn, editSettings, parseAliasOption, type SettingsRequest } from './edit-settings';
import { formatUnifiedDiff } from './format-unified-diff';

/** `configure`'s command line, as commander parsed it. */
export interface ConfigureOptions {
  readonly registry: readonly string[];
  readonly allEcr?: boolean;
  readonly credsStore?: boolean;
  readonly containersAuth?: boolean;
  readonly dryRun?: boolean;
  readonly config?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly alias: readonly string[];
}

/** What `configure` works with; tests pass their own platform and uid. */
export interface ConfigureContext {
  readonly config: Config;
  /** Standard output (what was changed, or the diff). */
  readonly output: (text: string) => void;
  /** One line on standard error. */
  readonly warn: (message: string) => void;
  readonly platform?: NodeJS.Platform;
  readonly uid?: number | undefined;
  /**
   * Asks the `docker-credential-ecr-login` on PATH its version, to tell this helper from
   * another program docker would run instead (helper-on-path.ts). Without it, only a missing
   * program is reported.
   */
  readonly askVersion?: AskVersion;
  /** This program's file: a warning about another program on PATH names its directory. */
  readonly programFile?: string | undefined;
  /**
   * The helper's cross-process locks (in the cache directory): concurrent `configure` runs of
   * this user take turns, each reading the files as the one before left them, so that none
   * loses its change or fails with "changed while configure ran". Without one (tests), no lock.
   */
  readonly lock?: { readonly locker: Locker; readonly logger: Logger; readonly now: () => number };
}

/** Longer than any configure run takes; a lock held longer is given up on (the change check still guards the write). */
const CONFIGURE_LOCK_WAIT_MS = 10_000;

/** The settings file (`Config.settingsFile`: `AWS_ECR_CONFIG`, else `<cache dir>/config.json`), absolute. */
function settingsFileOf(config: Config): string {
  const location = config.settingsFile;
  if (location === undefined) {
    throw new ConfigError('no place for the settings file: set HOME, AWS_ECR_CACHE_DIR or AWS_ECR_CONFIG to an absolute path');
  }
  if (!isAbsolute(location.path)) throw new ConfigError(`AWS_ECR_CONFIG=${location.path} is not an absolute path: set it to one`);
  return location.path;
}

/** One file's planned change. */
interface Plan {
  readonly file: LoadedFile;
  readonly text: string;
  readonly changes: readonly string[];
}

/**
 * `https://host/v2/` as people paste it: the host (and port), lower case. `:443` is dropped:
 * docker looks credHelpers up by the host as an image names it (`host/app`), and the helper
 * reads `host:443` as `host`.
 */
function hostOf(value: string): string {
  const withoutScheme = value.trim().replace(/^https?:\/\//i, '');
  // Up to the first `/`, found by hand: `\/.*$` rescans from every `/` of a long argument.
  const slash = withoutScheme.indexOf('/');
  return (slash < 0 ? withoutScheme : withoutScheme.slice(0, slash)).replace(/:443$/, '').toLowerCase();
}

/**
 * Turns the options into the edits they ask for, refusing contradictions and anything the
 * helper could not serve, before any file is read.
 */
function planRequest(options: ConfigureOptions): { hosts: string[]; settings: SettingsRequest } {
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
      if (!isGlob && !isEcr) {
        // Such an entry would never be used: only ECR hosts get tokens, and an alias takes its target's entry.
        throw new UsageError(
          `--registry ${value} is not an Amazon ECR registry host, so a profile or role for it would never be used; for another name in front of one, use --alias ${host}=<ECR host> and give the profile or role to the ECR host`,
        );
      }
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
    if (!isEcr) {
      throw new UsageError(
        `--registry ${value} is not an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws); for another name in front of one, use --alias ${host}=<ECR host>`,
      );
    }
    hosts.push(host);
  }
  const aliases = options.alias.map(parseAliasOption);
  hosts.push(...aliases.map((alias) => alias.alias));
  return { hosts, settings: { registries, aliases } };
}

/**
 * `configure`: routes registries to this helper in the docker config (or the containers auth
 * file), and writes per-registry settings. Everything is checked and computed first; then
 * each file that changes is written (or, with `--dry-run`, its diff shown), each with a
 * backup. Run twice, the second run changes nothing.
 */
export async function runConfigure(options: ConfigureOptions, ctx: ConfigureContext): Promise<void> {
  const platform = ctx.platform ?? process.platform;
  const request = planRequest(options);
  const { lock } = ctx;
  if (lock === undefined || options.dryRun) applyConfigure(options, request, ctx, platform);
  else {
    await withLock(
      lock.locker,
      'configure',
      { logger: lock.logger, now: lock.now, label: 'configure lock', maxWaitMs: CONFIGURE_LOCK_WAIT_MS },
      async () => applyConfigure(options, request, ctx, platform),
    );
  }

  const warning = formatPathWarning(ctx, platform);
  if (warning !== undefined) ctx.warn(warning);
}

/**
 * What docker will run for the helper configured here, when that is not this helper: nothing
 * on PATH, or another program first (the Go helper, which Debian and Ubuntu put in /usr/bin).
 * One line either way, with `--dry-run` too.
 */
function formatPathWarning(ctx: ConfigureContext, platform: NodeJS.Platform): string | undefined {
  const timeoutMs = Math.min(VERSION_TIMEOUT_MS, Math.max(500, Math.floor(ctx.config.commandTimeoutMs / 4)));
  const found = identifyHelperOnPath(ctx.config.clientEnv, platform, ctx.askVersion, timeoutMs);
  if (found.status === 'missing') {
    return `${DOCKER_HELPER_PROGRAM} is not on PATH, so docker cannot run the "${HELPER_NAME}" helper configured here: put it (or a link to it) in a directory on PATH under that name`;
  }
  if (found.status !== 'other') return undefined;
  return `docker will run ${found.file}, not this helper: it comes first on PATH and is another program (${formatOtherAnswer(found.answer)}); ${formatShadowFix(found.file, ctx.programFile, platform)}`;
}

/** Reads the files, computes each change, and writes (or with `--dry-run` shows) it. */
function applyConfigure(
  options: ConfigureOptions,
  { hosts, settings }: ReturnType<typeof planRequest>,
  ctx: ConfigureContext,
  platform: NodeJS.Platform,
): void {
  const { config } = ctx;
  const plans: Plan[] = [];

  if (settings.registries.length > 0 || settings.aliases.length > 0) {
    const file = loadConfigFile(settingsFileOf(config), { followLink: false, notWritableByOthers: true });
    const edit = editSettings(file.text, settings, file.path);
    // The helper's own reader judges the result (unknown fields, a glob and a host that differ
    // only in case, …): a file it would refuse is never written.
    if (edit.changes.length > 0) parseSettings(edit.text, file.path);
    plans.push({ file, ...edit });
  }
  if (hosts.length > 0 || options.allEcr || options.credsStore) {
    const path =
      (options.config === undefined ? undefined : resolve(options.config)) ??
      (options.containersAuth
        ? resolveContainersAuthFile(config.clientEnv, config.homeDir, platform, ctx.uid ?? process.getuid?.())
        : resolveDockerConfigFile(config.clientEnv, config.homeDir));
    const file = loadConfigFile(path, { followLink: true });
    const edit = editClientConfig(
      file.text,
      { hosts, allEcr: options.allEcr === true, credsStore: options.credsStore === true },
      file.path,
    );
    for (const warning of edit.warnings) ctx.warn(warning);
    plans.push({ file, text: edit.text, changes: edit.changes });
  }

  const lines: string[] = [];
  for (const { file, text, changes } of plans) {
    const shown = file.target === file.path ? file.path : `${file.path} (-> ${file.target})`;
    if (changes.length === 0) {
      lines.push(`${shown}: already configured`);
      continue;
    }
    if (options.dryRun) {
      lines.push(formatUnifiedDiff(file.text ?? '', text, file.text === undefined ? '/dev/null' : file.path, file.path).trimEnd());
      continue;
    }
    const backup = saveConfigFile(file, text);
    lines.push(`${shown}: ${file.text === undefined ? 'created' : `updated (the previous version is in ${backup})`}`);
    lines.push(...changes.map((change) => `  ${change}`));
  }
  if (options.dryRun) lines.push('dry run: nothing written');
  ctx.output(`${lines.join('\n')}\n`);
}
