import type { Config } from '../../config';
import { ConfigError, HelperError } from '../../errors';
import type { Locker } from '../../lock/locker';
import { withLock } from '../../lock/with-lock';
import type { Logger } from '../../log';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { DOCKER_HELPER_PROGRAM, HELPER_NAME } from '../helper-names';
import { type AskVersion, formatOtherAnswer, formatShadowFix, identifyHelperOnPath, VERSION_TIMEOUT_MS } from '../helper-on-path';
import { checkProfileDefined } from './check-profile-defined';
import { ConfigChangedError, removeLeftoverTempFiles, saveConfigFile } from './config-file';
import { type FileJob, fileJobsOf, type JobContext, removeJobsOf } from './configure-jobs';
import { formatUnifiedDiff } from './format-unified-diff';
import { type ConfigureOptions, planConfigureRequest } from './plan-configure-request';
import { type EditClock, type PlannedEdit, planFileEdit, SETTLE_MS } from './plan-file-edit';
import { planRemoveRequest } from './plan-remove-request';

/** What `configure` works with; tests pass their own platform and uid. */
export interface ConfigureContext extends JobContext {
  readonly config: Config;
  /** Standard output (what was changed, or the diff). */
  readonly output: (text: string) => void;
  /** One line on standard error. */
  readonly warn: (message: string) => void;
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
  /** Whose the files and their directories must be, and how they are read and replaced (the entry's). */
  readonly fsPlatform: FsPlatform;
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
  /**
   * Whether the OS keychain answers (probe-keychain.ts): undefined when it does, else why not.
   * Asked before `credsStore` is set; without it (tests), not asked.
   */
  readonly probeKeychain?: () => Promise<string | undefined>;
}

export { probeKeychain } from './probe-keychain';

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How many times a file is read and its edit planned when it keeps changing between the read
 * and the rename (another program writing it, in place or by a rename of its own).
 */
const MAX_PLANS = 5;

/** Longer than any configure run takes; a lock held longer is given up on (the change check still guards the write). */
const CONFIGURE_LOCK_WAIT_MS = 10_000;

/** A job with its plan, and until when it may still wait for the file to settle (`planFileEdit`). */
interface Planned {
  readonly job: FileJob;
  readonly plan: PlannedEdit;
  readonly deadline: number;
}

/**
 * `configure`: routes registries to this helper in the docker config (or the containers auth
 * file), and writes per-registry settings. Everything is checked and computed first; then
 * each file that changes is written (or, with `--dry-run`, its diff shown), each with a
 * backup. Run twice, the second run changes nothing.
 */
export async function runConfigure(options: ConfigureOptions, ctx: ConfigureContext): Promise<void> {
  const { platform } = ctx;
  const jobs = options.remove
    ? removeJobsOf(options, planRemoveRequest(options), ctx)
    : fileJobsOf(options, planConfigureRequest(options), ctx);
  if (options.profile !== undefined) {
    const undefinedProfile = checkProfileDefined(options.profile, ctx.config.identityEnv, ctx.config.homeDir, ctx.fsPlatform);
    if (undefinedProfile !== undefined) ctx.warn(undefinedProfile);
  }
  // Up to a few seconds: asked before the lock, which another configure waits for.
  const keychainAsked = await checkKeychainBeforeLock(options, jobs, ctx);
  const { lock } = ctx;
  if (lock === undefined || options.dryRun) await applyConfigure(options, jobs, ctx, keychainAsked);
  else {
    await withLock(
      lock.locker,
      'configure',
      { logger: lock.logger, now: lock.now, label: 'configure lock', maxWaitMs: CONFIGURE_LOCK_WAIT_MS },
      async () => applyConfigure(options, jobs, ctx, keychainAsked),
    );
  }

  // Undone, the entries no longer send docker to any program: where it would find one does not matter.
  const warning = options.remove ? undefined : formatPathWarning(ctx, platform);
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
 * Refuses `--creds-store` (without `--force`) where no OS keychain answers, before the
 * configure lock is taken: the probe may take seconds, and another configure waits for the
 * lock. Asked only when a look at the files, unlocked, finds that `credsStore` would change
 * (set already, nothing is asked). A look that fails is passed over: the plan under the lock
 * fails the same way, or, the file having changed meanwhile, asks then. True when it was asked
 * (and answered).
 */
async function checkKeychainBeforeLock(options: ConfigureOptions, jobs: readonly FileJob[], ctx: ConfigureContext): Promise<boolean> {
  if (!options.credsStore || options.force || ctx.probeKeychain === undefined) return false;
  const setsCredsStore = jobs.some((job) => {
    try {
      return job.edit(job.load()).setsCredsStore === true;
    } catch (error) {
      if (error instanceof HelperError) return false;
      throw error;
    }
  });
  if (setsCredsStore) await refuseCredsStoreWithoutKeychain(ctx);
  return setsCredsStore;
}

/**
 * `credsStore` makes docker ask this helper for every registry: the logins of registries that
 * are not ECR (`docker login`) are then kept in the OS keychain, and without one that answers
 * each such login fails later, far from this command. Refused here, with the way that needs no
 * keychain; `--force` sets it all the same (a keychain that comes up with a desktop session).
 */
async function refuseCredsStoreWithoutKeychain(ctx: ConfigureContext): Promise<void> {
  const reason = await ctx.probeKeychain?.();
  if (reason === undefined) return;
  const message =
    `not setting "credsStore": no OS keychain answers here (${reason}), and with credsStore docker asks ${HELPER_NAME} for every registry, ` +
    'so docker login to a registry that is not ECR would fail; route the ECR registries one by one instead (credHelpers): ' +
    'configure --registry HOST (repeatable) or --all-ecr; or add --force to set credsStore all the same';
  throw new ConfigError(message, message);
}

/**
 * Reads the files and computes each change; then writes (or with `--dry-run` shows) each.
 * A file that another program changes between configure's read and its rename is read again
 * and its change planned anew (`MAX_PLANS` times at most), so that configure never replaces
 * what it did not read.
 */
async function applyConfigure(
  options: ConfigureOptions,
  jobs: readonly FileJob[],
  ctx: ConfigureContext,
  keychainAsked: boolean,
): Promise<void> {
  const clock: EditClock = { now: ctx.now ?? (() => Date.now()), sleep: ctx.sleep ?? realSleep };

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

  // Asked here only when the look before the lock found credsStore set (the file changed since).
  if (!options.force && !keychainAsked && planned.some(({ plan }) => plan.setsCredsStore === true)) {
    await refuseCredsStoreWithoutKeychain(ctx);
  }

  const lines: string[] = [];
  for (const first of planned) {
    const { plan, backup } = options.dryRun ? { plan: first.plan, backup: undefined } : await save(first, clock, warn);
    const { file, text, changes } = plan;
    if (!options.dryRun) removeLeftoverTempFiles(file, clock.now());
    const shown = file.target === file.path ? file.path : `${file.path} (-> ${file.target})`;
    if (changes.length === 0) {
      lines.push(`${shown}: ${options.remove ? 'nothing to remove' : 'already configured'}`);
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
