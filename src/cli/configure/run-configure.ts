import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../../config';
import { ConfigError, UsageError } from '../../errors';
import type { Locker } from '../../lock/locker';
import { withLock } from '../../lock/with-lock';
import type { Logger } from '../../log';
import { formatDockerConfigKey } from '../../registry/format-docker-config-key';
import { isPublicRegistryHost } from '../../registry/is-public-registry-host';
import { parseRegistry } from '../../registry/parse-registry';
import { parseSettings } from '../../settings/parse-settings';
import { resolveContainersAuthFile, resolveDockerConfigFile } from '../client-files';
import { DOCKER_HELPER_PROGRAM, HELPER_NAME } from '../helper-names';
import { type AskVersion, formatOtherAnswer, formatShadowFix, identifyHelperOnPath, VERSION_TIMEOUT_MS } from '../helper-on-path';
import { ConfigChangedError, type LoadedFile, loadConfigFile, removeLeftoverTempFiles, saveConfigFile } from './config-file';
import { editClientConfig } from './edit-client-config';
import { checkProfile, checkRegistryPattern, checkRoleArn, editSettings, parseAliasOption, type SettingsRequest } from './edit-settings';
import { formatUnifiedDiff } from './format-unified-diff';
import { type EditClock, type FileEdit, type PlannedEdit, planFileEdit, SETTLE_MS } from './plan-file-edit';

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
}

/** What `configure` works with; tests pass their own platform and uid. */
export interface ConfigureContext {
  readonly config: Config;
  /** Standard output (what was changed, or the diff). */
  readonly output: (text: string) => void;
  /** One line on standard error. */
  readonly warn: (message: string) => void;
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
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
  /** The clock of the waits for a file another program is rewriting (`planFileEdit`); default real time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many times a file is read and its edit planned when it keeps changing between the read
 * and the rename (another program writing it, in place or by a rename of its own).
 */
const MAX_PLANS = 5;

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

/** One file configure edits: how it is read, and the edit it gets. */
interface FileJob {
  readonly load: () => LoadedFile;
  readonly edit: (file: LoadedFile) => FileEdit;
}

/** A job with its plan, and until when it may still wait for the file to settle (`planFileEdit`). */
interface Planned {
  readonly job: FileJob;
  readonly plan: PlannedEdit;
  readonly deadline: number;
}

/**
 * `https://user@host/v2/` as people paste it: the docker-config key (registry/, the host and
 * port as docker looks them up, `:443` dropped, userinfo and path gone). A glob
 * (`*.dkr.ecr.us-east-1.amazonaws.com`, for the settings file) names no host: its own text,
 * lower case, without a scheme or path.
 */
function hostOf(value: string): string {
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

/**
 * `configure`: routes registries to this helper in the docker config (or the containers auth
 * file), and writes per-registry settings. Everything is checked and computed first; then
 * each file that changes is written (or, with `--dry-run`, its diff shown), each with a
 * backup. Run twice, the second run changes nothing.
 */
export async function runConfigure(options: ConfigureOptions, ctx: ConfigureContext): Promise<void> {
  const { platform } = ctx;
  const request = planRequest(options);
  const { lock } = ctx;
  if (lock === undefined || options.dryRun) await applyConfigure(options, request, ctx, platform);
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

/**
 * Writes a planned edit; when the file changed since it was read, reads it again and plans
 * anew (the change may have been made meanwhile: then nothing is left to write), at most
 * `MAX_PLANS` times. Returns the plan written and the backup's path.
 */
async function save(
  { job, plan: first, deadline }: Planned,
  clock: EditClock,
  warn: (plan: PlannedEdit) => PlannedEdit,
): Promise<{ plan: PlannedEdit; backup: string | undefined }> {
  let plan = first;
  for (let planned = 1; plan.changes.length > 0; planned++) {
    try {
      return { plan, backup: saveConfigFile(plan.file, plan.text) };
    } catch (error) {
      if (!(error instanceof ConfigChangedError)) throw error;
      if (planned >= MAX_PLANS) {
        throw new ConfigError(
          `not changing ${plan.file.path}: it changed each time configure read it (${MAX_PLANS} times; another program is writing it); nothing written: run configure again`,
        );
      }
      plan = warn(await planFileEdit(job.load, job.edit, clock, deadline));
    }
  }
  return { plan, backup: undefined };
}

/**
 * Reads the files and computes each change; then writes (or with `--dry-run` shows) each.
 * A file that another program changes between configure's read and its rename is read again
 * and its change planned anew (`MAX_PLANS` times at most), so that configure never replaces
 * what it did not read.
 */
async function applyConfigure(
  options: ConfigureOptions,
  { hosts, settings }: ReturnType<typeof planRequest>,
  ctx: ConfigureContext,
  platform: NodeJS.Platform,
): Promise<void> {
  const { config } = ctx;
  const clock: EditClock = { now: ctx.now ?? (() => Date.now()), sleep: ctx.sleep ?? realSleep };
  const jobs: FileJob[] = [];

  if (settings.registries.length > 0 || settings.aliases.length > 0) {
    const path = settingsFileOf(config);
    jobs.push({
      load: () => loadConfigFile(path, { followLink: false, notWritableByOthers: true, uid: ctx.uid }),
      edit: (file) => {
        const edit = editSettings(file.text, settings, file.path);
        // The helper's own reader judges the result (unknown fields, a glob and a host that differ
        // only in case, …): a file it would refuse is never written.
        if (edit.changes.length > 0) parseSettings(edit.text, file.path);
        return { ...edit, warnings: [] };
      },
    });
  }
  if (hosts.length > 0 || options.allEcr || options.credsStore) {
    const path =
      (options.config === undefined ? undefined : resolve(options.config)) ??
      (options.containersAuth
        ? resolveContainersAuthFile(config.clientEnv, config.userHomeDir, platform, ctx.uid)
        : resolveDockerConfigFile(config.clientEnv, config.userHomeDir));
    jobs.push({
      load: () => loadConfigFile(path, { followLink: true, uid: ctx.uid }),
      edit: (file) =>
        editClientConfig(
          file.text,
          { hosts, allEcr: options.allEcr === true, credsStore: options.credsStore === true, force: options.force === true },
          file.path,
        ),
    });
  }

  // Every file is read and its change computed before any is written: one that cannot be used stops the run first.
  const warned = new Set<string>();
  const warn = (plan: PlannedEdit): PlannedEdit => {
    for (const warning of plan.warnings) if (!warned.has(warning)) ctx.warn(warning);
    for (const warning of plan.warnings) warned.add(warning);
    return plan;
  };
  const planned: Planned[] = [];
  for (const job of jobs) {
    const deadline = clock.now() + SETTLE_MS;
    planned.push({ job, deadline, plan: warn(await planFileEdit(job.load, job.edit, clock, deadline)) });
  }

  const lines: string[] = [];
  for (const first of planned) {
    const { plan, backup } = options.dryRun ? { plan: first.plan, backup: undefined } : await save(first, clock, warn);
    const { file, text, changes } = plan;
    if (!options.dryRun) removeLeftoverTempFiles(file, clock.now());
    const shown = file.target === file.path ? file.path : `${file.path} (-> ${file.target})`;
    if (changes.length === 0) {
      lines.push(`${shown}: already configured`);
      continue;
    }
    if (options.dryRun) {
      lines.push(formatUnifiedDiff(file.text ?? '', text, file.text === undefined ? '/dev/null' : file.path, file.path).trimEnd());
      continue;
    }
    lines.push(`${shown}: ${file.text === undefined ? 'created' : `updated (the previous version is in ${backup})`}`);
    lines.push(...changes.map((change) => `  ${change}`));
  }
  if (options.dryRun) lines.push('dry run: nothing written');
  ctx.output(`${lines.join('\n')}\n`);
}
