import { isUtf8 } from 'node:buffer';
import { InvalidInputError } from '../../errors';

/** More than any client sends (a store payload with a 2 KB token is far below). */
export const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Reads all of standard input as UTF-8 text, refusing more than `limit` bytes and anything
 * that is not text (NUL bytes, invalid UTF-8), so that no garbage reaches the parsers.
 */
export async function readInput(stream: AsyncIterable<Buffer | string>, limit = MAX_INPUT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) {
      throw new InvalidInputError(`input too large: more than ${limit} bytes on standard input`);
    }
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) throw new InvalidInputError('invalid input: binary data on standard input');
  // isUtf8 is a native check; a fatal TextDecoder costs ~0.5 ms to set up on every call.
  if (!isUtf8(bytes)) throw new InvalidInputError('invalid input: standard input is not valid UTF-8 text');
  return bytes.toString('utf8');
}
