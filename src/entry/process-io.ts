import { readSync, writeSync } from 'node:fs';
import type { Io } from '../main';

/*
 * Standard streams without Node's stream machinery where possible. `process.stdin` and
 * `process.stdout` on a pipe build net.Socket streams, ~3-4 ms of start-up measured with
 * --cpu-prof; plain blocking reads and writes on fds 0 and 1 do the same job for a program
 * that reads one small request and writes one small answer. A non-blocking fd (EAGAIN)
 * falls back to the streams.
 */

function isWouldBlock(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

async function* readStdin(): AsyncGenerator<Buffer> {
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if (isWouldBlock(error)) {
        for await (const chunk of process.stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        return;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') return;
      throw error;
    }
    if (n === 0) return;
    yield Buffer.from(buffer.subarray(0, n));
  }
}

function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(1, bytes, offset, bytes.length - offset);
  } catch (error) {
    // The client stopped reading (closed its end): nothing left to tell it.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    if (!isWouldBlock(error)) throw error;
    process.stdout.write(bytes.subarray(offset));
  }
}

/** The real process's standard streams. */
export function createProcessIo(): Io {
  return {
    stdin: readStdin(),
    stdout: { write: writeStdout },
    stderr: { write: (text: string) => process.stderr.write(text) },
  };
}
