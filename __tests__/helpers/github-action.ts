import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findProgram } from './platform';
import { runProgramSync } from './program-runs';
import { readLines } from './read-lines';
import { makeTempDir } from './temp-dir';

/*
 * The GitHub Action's script (scripts/action/install.sh) run as the runner runs it, against a
 * directory laid out as GitHub serves a release (download/<tag>/<asset>) instead of GitHub:
 * each "executable" there is a small script that writes its arguments to a log and then runs
 * the real helper (the Node entry), so the configure result is the real one. GitHub's
 * <base>/latest redirects to <base>/tag/<tag>; a file:// release has no redirects, so the
 * script is told where it leads (ECR_LOGIN_RELEASE_LATEST_URL) when the release has a latest.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/action/install.sh');
const NODE_HELPER_BIN = path.join(ROOT, 'bin/docker-credential-ecr-login');
export const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
export const OTHER_HOST = '210987654321.dkr.ecr.eu-central-1.amazonaws.com';
/** What the script runs, linked into a directory of the test's own: nothing else of the machine's PATH. */
const TOOLS = ['bash', 'curl', 'awk', 'cut', 'mkdir', 'mv', 'rm', 'chmod', 'head', 'cat', 'tr'];
/** One of these computes the checksum (macOS has shasum only). */
const SHA256 = ['sha256sum', 'shasum'];
export const NATIVE = `linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
const RUNNER_ARCH = process.arch === 'arm64' ? 'ARM64' : 'X64';

/** An asset that records how it was run (`<asset> <args>`), then is the real helper. */
function standIn(asset: string, log: string): string {
  return `#!/bin/sh\nprintf '%s\\n' "${asset} $*" >> "${log}"\nexec "${process.execPath}" "${NODE_HELPER_BIN}" "$@"\n`;
}

export interface Release {
  readonly base: string;
  /** The base as the script gets it (a file: URL). */
  readonly baseUrl: string;
  readonly log: string;
  /** Which of the tags is the latest release, if any is. */
  readonly latest: string | undefined;
  /** The directory of one release's assets: `download/<tag>`. */
  dir(tag: string): string;
}

/** A release directory holding `assets` for each of `tags`, each with its SHA256SUMS; `latest` the latest of them. */
export function release(tags: readonly string[], assets: readonly string[], latest?: string): Release {
  const base = makeTempDir();
  const log = path.join(makeTempDir(), 'runs.log');
  const dir = (tag: string): string => path.join(base, 'download', tag);
  for (const tag of tags) {
    fs.mkdirSync(dir(tag), { recursive: true });
    const sums = assets.map((asset) => {
      const text = standIn(`${tag}/${asset}`, log);
      fs.writeFileSync(path.join(dir(tag), asset), text);
      return `${createHash('sha256').update(text).digest('hex')}  ${asset}\n`;
    });
    fs.writeFileSync(path.join(dir(tag), 'SHA256SUMS'), sums.join(''));
  }
  return { base, baseUrl: pathToFileURL(base).href, log, latest, dir };
}

/** The tools, and an `ldd` that says which C library this is (glibc unless `libc` says musl). */
function toolsDir(libc: 'glibc' | 'musl', checksum: readonly string[] = SHA256): string {
  const dir = makeTempDir();
  const answer = libc === 'musl' ? 'musl libc (x86_64)\nVersion 1.2.5' : 'ldd (GNU libc) 2.36';
  fs.writeFileSync(path.join(dir, 'ldd'), `#!/bin/sh\necho '${answer}' >&2\nexit 1\n`, { mode: 0o755 });
  for (const tool of TOOLS) {
    const found = findProgram(tool);
    if (found === undefined) throw new Error(`the action's script needs ${tool}, which is not on PATH`);
    fs.symlinkSync(found, path.join(dir, tool));
  }
  const sha256 = checksum.find((tool) => findProgram(tool) !== undefined);
  if (sha256 === undefined) throw new Error(`the action's script needs one of ${checksum.join(', ')}, and none is on PATH`);
  fs.symlinkSync(findProgram(sha256) ?? '', path.join(dir, sha256));
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly home: string;
  /** The lines the script added to GITHUB_PATH. */
  readonly githubPath: string[];
  readonly runnerTemp: string;
  /** The PATH a later step of the job gets: GITHUB_PATH's lines first, newest first. */
  readonly laterPath: string;
}

/**
 * Runs the action's script as the runner would, with `inputs` (ECR_LOGIN_*) and a runner's
 * environment; the action's ref is v0.1.0 unless `inputs` says otherwise.
 */
export function runAction(
  rel: Release,
  inputs: Record<string, string>,
  extraPathDirs: readonly string[] = [],
  libc: 'glibc' | 'musl' = 'glibc',
  checksum: readonly string[] = SHA256,
): ActionRun {
  const home = makeTempDir();
  const runnerTemp = makeTempDir();
  const files = makeTempDir();
  const githubPathFile = path.join(files, 'github_path');
  const pathBefore = [...extraPathDirs, toolsDir(libc, checksum)].join(path.delimiter);
  const run = runProgramSync(SCRIPT, [], {
    cwd: makeTempDir(),
    env: {
      PATH: pathBefore,
      HOME: home,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH,
      RUNNER_TEMP: runnerTemp,
      GITHUB_PATH: githubPathFile,
      GITHUB_OUTPUT: path.join(files, 'github_output'),
      ECR_LOGIN_RELEASE_BASE_URL: rel.baseUrl,
      ...(rel.latest === undefined ? {} : { ECR_LOGIN_RELEASE_LATEST_URL: `${rel.baseUrl}/tag/${rel.latest}` }),
      ECR_LOGIN_ACTION_REF: 'v0.1.0',
      ...inputs,
    },
    timeout: 60_000,
  });
  const githubPath = readLines(githubPathFile);
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    home,
    githubPath,
    runnerTemp,
    laterPath: [...githubPath.reverse(), pathBefore].join(path.delimiter),
  };
}

export const readLog = (rel: Release): string[] => readLines(rel.log);
export const dockerConfig = (home: string): unknown => JSON.parse(fs.readFileSync(path.join(home, '.docker/config.json'), 'utf8'));
export const installed = (run: ActionRun, exe = ''): string =>
  path.join(run.runnerTemp, 'docker-credential-ecr-login/bin', `docker-credential-ecr-login${exe}`);
