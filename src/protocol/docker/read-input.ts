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
 * Standard input: a stream of chunks, and, where the entry can have it, what is there right
 * now without waiting (a client writes its request at once and closes its end: all of it
 * is usually there before the helper starts).
 */
export interface InputStream extends AsyncIterable<Buffer | string> {
  /**
   * Reads without blocking, at most `maxBytes`: the chunks that were there and whether the
   * end of input came with them. The stream then goes on after them. Undefined where input
   * cannot be read so (the stream alone is used).
   */
  readonly readAvailable?: (maxBytes: number) => { readonly chunks: readonly Buffer[]; readonly ended: boolean } | undefined;
}

/** Collects a request's chunks: keeps them under the limit, up to the first newline when asked. */
function createCollector(limit: number, firstLineOnly: boolean) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    chunks,
    /** Takes one chunk; true when the request is complete (its first line came). */
    take(chunk: Buffer | string): boolean {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const newline = firstLineOnly ? buffer.indexOf(0x0a) : -1;
      const kept = newline >= 0 ? buffer.subarray(0, newline + 1) : buffer;
      size += kept.length;
      if (size > limit) throw new InvalidInputError(`input too large: more than ${limit} bytes on standard input`);
      chunks.push(kept);
      return newline >= 0;
    },
  };
}

/**
 * Reads standard input as UTF-8 text — to its end, or with `firstLineOnly` to its first
 * newline — refusing more than `limit` bytes, anything that is not text (NUL bytes, invalid
 * UTF-8), and a request that does not arrive within the deadline, so that no garbage reaches
 * the parsers and no silent client holds the helper. What is already there is taken at once
 * (`readAvailable`): no timer or promise per chunk when the client has written and closed.
 */
export async function readInput(stream: InputStream, options: ReadInputOptions = {}): Promise<string> {
  const limit = options.limit ?? MAX_INPUT_BYTES;
  const collector = createCollector(limit, options.firstLineOnly ?? false);
  const ready = stream.readAvailable?.(limit + 1);
  let complete = ready?.ended ?? false;
  for (const chunk of ready?.chunks ?? []) {
    if (collector.take(chunk)) {
      complete = true;
      break;
    }
  }
  if (!complete) await readRest(stream, collector.take, options.deadlineMs ?? INPUT_DEADLINE_MS);
  return decode(Buffer.concat(collector.chunks));
}

/** The rest of the request from the stream, within the deadline. */
async function readRest(stream: InputStream, take: (chunk: Buffer | string) => boolean, deadlineMs: number): Promise<void> {
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
      if (next.done || take(next.value)) break;
    }
  } finally {
    clearTimeout(timer);
    void iterator.return?.();
  }
}

/** The request's bytes as text, refused when they are not: NUL bytes, invalid UTF-8. */
async function decode(bytes: Buffer): Promise<string> {
  if (bytes.includes(0)) throw new InvalidInputError('invalid input: binary data on standard input');
  // ASCII is UTF-8, and server URLs are ASCII: node:buffer (isUtf8, a native check) is loaded
  // only for other bytes (~0.2 ms of a cache hit in the executable). A fatal TextDecoder costs
  // ~0.5 ms to set up on every call.
  if (!isAscii(bytes) && !(await import('node:buffer')).isUtf8(bytes)) {
    throw new InvalidInputError('invalid input: standard input is not valid UTF-8 text');
  }
  return bytes.toString('utf8');
}

function isAscii(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte > 0x7f) return false;
  return true;
}
