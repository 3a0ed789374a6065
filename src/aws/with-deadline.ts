/**
 * Races `work` against a deadline of `ms`: rejects with `onTimeout()` when it passes first.
 * The timer is cleared either way, so that it keeps no process alive. `work` is not cancelled:
 * for the calls it bounds (the credential chain) there is nothing to cancel it with.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
