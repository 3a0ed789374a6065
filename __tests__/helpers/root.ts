/**
 * Tests that need root (chown to another user, mount namespaces). Outside CI they skip with
 * a clear message; in CI (CI=true) a missing privilege fails loudly instead of skipping.
 */
export const isRoot = process.getuid?.() === 0;

export function itAsRoot(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (isRoot) {
    it(name, fn, timeout);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`"${name}" needs root, and CI must run it: run .ci/run as root`);
    });
  } else {
    it.skip(`${name} [skipped: needs root]`, fn);
  }
}
