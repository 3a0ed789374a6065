import { mustRun, notLinux } from './platform';

/**
 * Tests that need root on Linux (chown to another user, mount namespaces). On Linux outside
 * CI they skip with a clear message; in CI (CI=true) a missing privilege fails loudly instead
 * of skipping. On other platforms they skip, in CI too (helpers/platform.ts).
 */
export const isRoot = process.getuid?.() === 0;

export function itAsRoot(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (notLinux) {
    it.skip(`${name} [skipped: ${notLinux}]`, fn);
  } else if (isRoot) {
    it(name, fn, timeout);
  } else if (mustRun) {
    it(name, () => {
      throw new Error(`"${name}" needs root, and CI must run it: run .ci/run as root`);
    });
  } else {
    it.skip(`${name} [skipped: needs root]`, fn);
  }
}
