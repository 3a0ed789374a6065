import { spawnSync } from 'node:child_process';
import { posix, win32 } from 'node:path';
import type { ClientEnv } from '../config';
import { findOnPath, type IsExecutableFile } from './find-on-path';
import { DOCKER_HELPER_PROGRAM } from './helper-names';

/**
 * Runs `<file> version` and returns the first line it printed, or undefined: it could not be
 * run, or said nothing within `timeoutMs`.
 */
export type AskVersion = (file: string, timeoutMs: number) => string | undefined;

/** The program docker runs for the `ecr-login` helper: the first `docker-credential-ecr-login` on PATH. */
export type HelperOnPath =
  | { readonly status: 'missing' }
  /** Found, but what it is is unknown: it could not be asked (a `.cmd` needs a shell) or said nothing. */
  | { readonly status: 'unknown'; readonly file: string }
  /** This helper; `version` is the one it reports (this version or another). */
  | { readonly status: 'this'; readonly file: string; readonly version: string }
  /** Another program under the helper's name, which docker runs instead (the Go helper answers a bare `0.6.4`). */
  | { readonly status: 'other'; readonly file: string; readonly answer: string };

/** How long the program on PATH may take to say its version. */
export const VERSION_TIMEOUT_MS = 5000;

/**
 * Finds the `docker-credential-ecr-login` that docker, podman and skopeo would run (PATH as
 * they search it, find-on-path.ts) and asks it its version, to tell this helper from another
 * program of the same name: users migrating from the Go amazon-ecr-credential-helper often
 * have it in /usr/bin (Debian's and Ubuntu's package), ahead of this one.
 */
export function identifyHelperOnPath(
  env: ClientEnv,
  platform: NodeJS.Platform,
  askVersion: AskVersion | undefined,
  timeoutMs: number,
  isExecutable?: IsExecutableFile,
): HelperOnPath {
  const file = findOnPath(DOCKER_HELPER_PROGRAM, env, platform, ...(isExecutable ? [isExecutable] : []));
  if (file === undefined) return { status: 'missing' };
  const answer = askVersion?.(file, timeoutMs);
  if (answer === undefined) return { status: 'unknown', file };
  // This helper answers `docker-credential-ecr-login <version>` (protocol/docker/actions.ts).
  if (answer.startsWith(`${DOCKER_HELPER_PROGRAM} `))
    return { status: 'this', file, version: answer.slice(DOCKER_HELPER_PROGRAM.length + 1) };
  return { status: 'other', file, answer };
}

/**
 * What to do about another program found first on PATH: where this helper is known
 * (`programFile`), its directory is named.
 */
export function formatShadowFix(found: string, programFile: string | undefined, platform: NodeJS.Platform): string {
  const path = platform === 'win32' ? win32 : posix;
  const ours = programFile === undefined ? 'the directory of this helper' : path.dirname(programFile);
  return `remove or rename it, or put ${ours} before ${path.dirname(found)} on PATH`;
}

/** The other program's answer, as a message quotes it: JSON-quoted, at most 80 characters. */
export function formatOtherAnswer(answer: string): string {
  return `\`${DOCKER_HELPER_PROGRAM} version\` answered ${JSON.stringify(answer.slice(0, 80))} (the Go amazon-ecr-credential-helper answers a bare version)`;
}

/** `<file> version`, first line, within `timeoutMs`; undefined when it cannot be run (a .cmd on Windows needs a shell: not asked). */
export const askVersion: AskVersion = (file, timeoutMs) => {
  if (/\.(cmd|bat)$/i.test(file)) return undefined;
  const run = spawnSync(file, ['version'], {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'ignore'],
    windowsHide: true,
  });
  if (run.error || typeof run.stdout !== 'string') return undefined;
  return run.stdout.split('\n')[0]?.trim() || undefined;
};
