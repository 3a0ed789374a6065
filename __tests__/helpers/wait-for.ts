/**
 * Waits until `condition` holds, checking every 20 ms; fails the test with `what` after
 * `timeoutMs`. For conditions another process brings about (a file appears, a call arrives).
 */
export async function waitFor(condition: () => boolean, timeoutMs: number, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
