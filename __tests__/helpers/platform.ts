/**
 * The per-platform rule for tests with requirements: a test that needs something only Linux
 * has (mount and network namespaces, a Secret Service on D-Bus, `chown` to another user as
 * root) runs on Linux only. Elsewhere it is skipped and says so, in CI too: CI on macOS and
 * Windows runs the rest of the suite against the platform's own keychain. On Linux a missing
 * requirement skips with a message outside CI, and fails in CI (CI=true), where .ci/run
 * provides everything.
 */
export const isLinux = process.platform === 'linux';

/** The reason a Linux-only test is skipped here, or undefined on Linux. */
export const notLinux: string | undefined = isLinux ? undefined : `Linux only, this is ${process.platform}`;

/** Whether a missing requirement must fail the test rather than skip it. */
export const mustRun = isLinux && process.env.CI === 'true';
