import { createAwsDiagnostics } from '../../aws/create-aws-diagnostics';
import { HelperError } from '../../errors';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { readRegularFile } from '../../safe-fs/read-files';
import type { CommandContext } from '../command-context';
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
}

/**
 * `doctor [HOST] [--json] [--registry-url URL]`: runs the checks and prints the report on
 * stdout — for a terminal (colour when it is one), or as JSON. Exits 1 when a check failed.
 */
export async function runDoctorCommand(host: string | undefined, options: DoctorCommandOptions, ctx: CommandContext): Promise<void> {
  const { services } = ctx;
  const { config } = services;
  const checks = await runDoctor(
    { host, registryUrl: options.registryUrl },
    {
      services,
      platform: ctx.platform,
      uid: ctx.uid,
      version: ctx.version,
      programFile: ctx.programFile,
      askVersion,
      readJsonFile: (file) => readClientJson(file, services.fsPlatform),
      createDiagnostics: (profile) =>
        createAwsDiagnostics({
          logger: services.logger,
          identityEnv: config.identityEnv,
          retry: config.retry,
          ...(profile === undefined ? {} : { profile }),
        }),
    },
  );
  const shown = host?.trim() || undefined;
  ctx.output(
    options.json === true
      ? formatDoctorJson(shown, checks)
      : formatDoctorText(shown, checks, shouldUseColour(ctx.isTerminal?.() === true, config.clientEnv)),
  );
  const failed = checks.filter((check) => check.status === 'FAIL').map((check) => check.name);
  if (failed.length > 0) {
    const text = `doctor: ${failed.length} ${failed.length === 1 ? 'check' : 'checks'} failed (${failed.join(', ')})`;
    throw new DoctorFailedError(text, text);
  }
}
