import { isUtf8 } from 'node:buffer';
import { InvalidInputError } from '../../errors';

/** More than any client sends (a store payload with a 2 KB token is far below). */
export const MAX_INPUT_BYTES = 64 * 1024;

/** Clients write their request at once; this is long enough for a loaded machine. */
export const INPUT_DEADLINE_MS = 10_000;

export interface ReadInputOptions {
  /** Refuse more than this many bytes (default `MAX_INPUT_BYTES`). */
  readonly limit?: number;
  /**
   * Stop at the first newline: a server URL is one line, and a client that writes it and
   * leaves stdin open must still get an answer.
   */
  readonly firstLineOnly?: boolean;
  /** Give up when the request is not complete after this long (default `INPUT_DEADLINE_MS`). */
  readonly deadlineMs?: number;
}

/**
 * Reads standard input as UTF-8 text — to its end, or with `firstLineOnly` to its first
 * newline — refusing more than `limit` bytes, anything that is not text (NUL bytes, invalid
 * UTF-8), and a request that does not arrive within the deadline, so that no garbage reaches
 * the parsers and no silent client holds the helper.
 */
export async function readInput(stream: AsyncIterable<Buffer | string>, options: ReadInputOptions = {}): Promise<string> {
  const limit = options.limit ?? MAX_INPUT_BYTES;
  const deadlineMs = options.deadlineMs ?? INPUT_DEADLINE_MS;
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InvalidInputError(`no complete request on standard input within ${deadlineMs / 1000} s: write it and close stdin`)),
      deadlineMs,
    );
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      const buffer = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      const newline = options.firstLineOnly ? buffer.indexOf(0x0a) : -1;
      const kept = newline >= 0 ? buffer.subarray(0, newline + 1) : buffer;
      size += kept.length;
      if (size > limit) throw new InvalidInputError(`input too large: more than ${limit} bytes on standard input`);
      chunks.push(kept);
      if (newline >= 0) break;
    }
  } finally {
    clearTimeout(timer);
    void iterator.return?.();
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) throw new InvalidInputError('invalid input: binary data on standard input');
  // isUtf8 is a native check; a fatal TextDecoder costs ~0.5 ms to set up on every call.
  if (!isUtf8(bytes)) throw new InvalidInputError('invalid input: standard input is not valid UTF-8 text');
  return bytes.toString('utf8');
}
