import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun, notLinux } from '../platform';
import { isRoot } from '../root';

/** The programs the end-to-end suite runs (Debian: util-linux, mount, iproute2, openssl, apache2-utils, docker-registry, skopeo). */
const PROGRAMS = ['unshare', 'nsenter', 'setpriv', 'mount', 'ip', 'openssl', 'htpasswd', 'docker-registry', 'skopeo'];
/** Where Debian's Go programs look for trusted CAs first; the namespace mounts its own over it. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/**
 * The directories the suite looks for its programs in, and the PATH of the clients it runs,
 * in this order: the machine's standard places, not the PATH of whoever runs the tests.
 */
export const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/**
 * More docker CLIs to run the docker tests with, besides the ones in SEARCH_PATH: files,
 * separated by the path delimiter (.ci/run adds the distribution's docker.io CLI this way, so
 * that CI runs an old and a current docker side by side).
 */
export const EXTRA_DOCKER_ENV = 'ECR_LOGIN_TEST_DOCKER';

/** Where `program` is in SEARCH_PATH, or undefined. */
export function findProgram(program: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const file = path.join(dir, program);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** A client the suite runs, by its file, with the version it reports. */
export interface Client {
  readonly file: string;
  readonly version: string;
}

/** `<file> --version`, the version number in it (`Docker version 28.2.2, build …` → `28.2.2`). */
function versionOf(file: string): string {
  const run = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const line = `${run.stdout ?? ''}`.split('\n')[0] ?? '';
  return /version (\S+?),?(?:\s|$)/.exec(line)?.[1] ?? (line.trim() || `unknown (${run.error?.message ?? `exit ${run.status}`})`);
}

/**
 * Every docker CLI the suite runs: each `docker` in SEARCH_PATH (Debian's docker.io 20.10 in
 * /usr/bin and a current static build in /usr/local/bin, say) and in ECR_LOGIN_TEST_DOCKER,
 * each real file and each version once. Run by their full path, so that which one ran never depends on PATH.
 */
export function findDockerClis(): Client[] {
  const candidates = [
    ...SEARCH_PATH.map((dir) => path.join(dir, 'docker')),
    ...(process.env[EXTRA_DOCKER_ENV] ?? '').split(path.delimiter).filter((file) => file !== ''),
  ];
  const seen = new Set<string>();
  const clis: Client[] = [];
  for (const file of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const version = versionOf(file);
    // The same version twice (the package's CLI and its copy taken out by .ci/run) is run once.
    if (clis.some((cli) => cli.version === version)) continue;
    clis.push({ file, version });
  }
  return clis;
}

/** The skopeo the suite runs. */
export function findSkopeo(): Client | undefined {
  const file = findProgram('skopeo');
  return file === undefined ? undefined : { file, version: versionOf(file) };
}

/** What this machine lacks for the suite: empty when it can run. */
function missingRequirements(): string[] {
  if (!isRoot) return ['root'];
  const missing = PROGRAMS.filter((p) => findProgram(p) === undefined);
  if (findDockerClis().length === 0) missing.push('a docker CLI (Debian: docker.io)');
  const extra = (process.env[EXTRA_DOCKER_ENV] ?? '').split(path.delimiter).filter((file) => file !== '' && !fs.existsSync(file));
  if (extra.length > 0) missing.push(`${EXTRA_DOCKER_ENV} names ${extra.join(', ')}, which does not exist`);
  if (!fs.existsSync(SYSTEM_CA_BUNDLE)) missing.push(SYSTEM_CA_BUNDLE);
  if (missing.length === 0) {
    const probe = spawnSync(findProgram('unshare') ?? 'unshare', ['--mount', '--net', 'true'], { timeout: 5000, encoding: 'utf8' });
    if (probe.status !== 0) missing.push(`a working \`unshare --mount --net\` (${(probe.stderr || probe.error?.message || '').trim()})`);
  }
  return missing;
}

/**
 * `describe` for the end-to-end suite. Where it cannot run (not root, no unshare, a program
 * missing) it is skipped with a message naming what is missing; in CI (CI=true) on Linux it
 * fails instead, as the root-only tests do (helpers/platform.ts). Elsewhere than Linux it skips.
 * When it runs, it says which clients it runs (one line on stderr).
 */
export function describeEndToEnd(name: string, fn: () => void): void {
  if (notLinux) {
    describe.skip(`${name} [skipped: ${notLinux}]`, fn);
    return;
  }
  const missing = missingRequirements();
  if (missing.length === 0) {
    const skopeo = findSkopeo();
    const dockers = findDockerClis().map((cli) => `docker ${cli.version} (${cli.file})`);
    process.stderr.write(`end-to-end clients: skopeo ${skopeo?.version} (${skopeo?.file}); ${dockers.join(', ')}\n`);
    describe(name, fn);
    return;
  }
  const why = `needs ${missing.join(', ')} (see CONTRIBUTING.md)`;
  if (mustRun) {
    describe(name, () => {
      it('can run here', () => {
        throw new Error(`the end-to-end suite ${why}, and CI must run it: run .ci/run as root`);
      });
    });
    return;
  }
  console.warn(`end-to-end suite skipped: it ${why}`);
  describe.skip(`${name} [skipped: ${why}]`, fn);
}
