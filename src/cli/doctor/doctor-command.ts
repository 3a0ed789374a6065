import { createAwsDiagnostics } from '../../aws/create-aws-diagnostics';
import { HelperError, UsageError } from '../../errors';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { readRegularFile } from '../../safe-fs/read-files';
import type { CommandContext } from '../command-context';
import { runProgram } from '../exec-provider';
import { askVersion } from '../helper-on-path';
import type { JsonFileRead } from './check-client-config';
import { formatDoctorJson, formatDoctorText, shouldUseColour } from './format-doctor-report';
import { runDoctor } from './run-doctor';

/** Some check failed: the report is on stdout, and the command exits 1. */
export class DoctorFailedError extends HelperError {
  readonly code = 'DOCTOR_FAILED';
}

/** Larger than any docker config or containers auth file. */
const MAX_CLIENT_FILE_BYTES = 1024 * 1024;

/** A client's JSON file, read as the helper reads files (no FIFO, no /dev/zero), parsed. */
export function readClientJson(file: string, fsPlatform: FsPlatform): JsonFileRead {
  const read = readRegularFile(file, MAX_CLIENT_FILE_BYTES, fsPlatform);
  switch (read.status) {
    case 'missing':
      return { status: 'missing' };
    case 'ok':
      try {
        return { status: 'ok', value: JSON.parse(read.text) as unknown };
      } catch (error) {
        return { status: 'invalid', reason: error instanceof Error ? error.message : String(error) };
      }
    case 'too-large':
      return { status: 'invalid', reason: `larger than ${MAX_CLIENT_FILE_BYTES / 1024 / 1024} MiB` };
    case 'unsafe':
      return { status: 'invalid', reason: 'not a regular file' };
    default:
      return { status: 'invalid', reason: 'cannot be read' };
  }
}

export interface DoctorCommandOptions {
  readonly json?: boolean;
  readonly registryUrl?: string;
  /** doctor --kubelet IMAGE [--config FILE] [--bin-dir DIR]. */
  readonly kubelet?: string;
  readonly config?: string;
  readonly binDir?: string;
}

/** The options that go together: --kubelet takes an image instead of a registry, and --config and --bin-dir belong to it. */
function checkOptions(host: string | undefined, options: DoctorCommandOptions): void {
  if (options.kubelet === undefined) {
    if (options.config !== undefined || options.binDir !== undefined) {
      throw new UsageError('doctor: --config and --bin-dir go with --kubelet IMAGE');
    }
    return;
  }
  if (host !== undefined || options.registryUrl !== undefined) {
    throw new UsageError('doctor --kubelet IMAGE checks the image kubelet pulls: give no registry or --registry-url with it');
  }
  if (options.kubelet.trim() === '') throw new UsageError('doctor --kubelet: the image is empty');
}

/** The environment kubelet's providers inherit: this process's, as kubelet passes its own. */
function kubeletEnvOf(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * `doctor [HOST] [--json] [--registry-url URL]`, or `doctor --kubelet IMAGE [--config FILE]
 * [--bin-dir DIR] [--json]`: runs the checks and prints the report on stdout — for a terminal
 * (colour when it is one), or as JSON. Exits 1 when a check failed.
 */
export async function runDoctorCommand(host: string | undefined, options: DoctorCommandOptions, ctx: CommandContext): Promise<void> {
  checkOptions(host, options);
  const { services } = ctx;
  const { config } = services;
  const kubelet = options.kubelet === undefined ? undefined : { image: options.kubelet, config: options.config, binDir: options.binDir };
  const checks = await runDoctor(
    { host, registryUrl: options.registryUrl, kubelet },
    {
      services,
      platform: ctx.platform,
      uid: ctx.uid,
      version: ctx.version,
      programFile: ctx.programFile,
      askVersion,
      readJsonFile: (file) => readClientJson(file, services.fsPlatform),
      runProgram,
      kubeletEnv: kubeletEnvOf(ctx.env),
      createDiagnostics: (profile) =>
        createAwsDiagnostics({
          logger: services.logger,
          identityEnv: config.identityEnv,
          retry: config.retry,
          ...(profile === undefined ? {} : { profile }),
        }),
    },
  );
  const shown = kubelet === undefined ? host?.trim() || undefined : `--kubelet ${kubelet.image.trim()}`;
  ctx.output(
    options.json === true
      ? formatDoctorJson(kubelet === undefined ? shown : undefined, checks, kubelet?.image.trim())
      : formatDoctorText(shown, checks, shouldUseColour(ctx.isTerminal?.() === true, config.clientEnv)),
  );
  const failed = checks.filter((check) => check.status === 'FAIL').map((check) => check.name);
  if (failed.length > 0) {
    const text = `doctor: ${failed.length} ${failed.length === 1 ? 'check' : 'checks'} failed (${failed.join(', ')})`;
    throw new DoctorFailedError(text, text);
  }
}
