import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun, notLinux } from '../platform';
import { isRoot } from '../root';

/** The programs the end-to-end suite runs (Debian: util-linux, mount, iproute2, openssl, apache2-utils, docker-registry, skopeo, docker.io). */
const PROGRAMS = ['unshare', 'nsenter', 'setpriv', 'mount', 'ip', 'openssl', 'htpasswd', 'docker-registry', 'skopeo', 'docker'];
/** Where Debian's Go programs look for trusted CAs first; the namespace mounts its own over it. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function onPath(program: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...SEARCH_PATH];
  return dirs.some((dir) => dir !== '' && fs.existsSync(path.join(dir, program)));
}

/** What this machine lacks for the suite: empty when it can run. */
function missingRequirements(): string[] {
  if (!isRoot) return ['root'];
  const missing = PROGRAMS.filter((p) => !onPath(p));
  if (!fs.existsSync(SYSTEM_CA_BUNDLE)) missing.push(SYSTEM_CA_BUNDLE);
  if (missing.length === 0) {
    const probe = spawnSync('unshare', ['--mount', '--net', 'true'], { timeout: 5000, encoding: 'utf8' });
    if (probe.status !== 0) missing.push(`a working \`unshare --mount --net\` (${(probe.stderr || probe.error?.message || '').trim()})`);
  }
  return missing;
}

/**
 * `describe` for the end-to-end suite. Where it cannot run (not root, no unshare, a program
 * missing) it is skipped with a message naming what is missing; in CI (CI=true) on Linux it
 * fails instead, as the root-only tests do (helpers/platform.ts). Elsewhere than Linux it skips.
 */
export function describeEndToEnd(name: string, fn: () => void): void {
  if (notLinux) {
    describe.skip(`${name} [skipped: ${notLinux}]`, fn);
    return;
  }
  const missing = missingRequirements();
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const why = `needs ${missing.join(', ')} (see README, "Development")`;
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
