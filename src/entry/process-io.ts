import { constants, openSync, readSync, writeSync } from 'node:fs';
import type { Io } from '../main';
import type { InputStream } from '../protocol/docker/read-input';

/*
 * Standard streams without Node's stream machinery where possible. `process.stdin` and
 * `process.stdout` on a pipe build net.Socket streams, ~3-4 ms of start-up measured with
 * --cpu-prof; plain reads and writes on the file descriptors do the same job for a program
 * that reads one small request and writes one small answer.
 *
 * Standard input is read without ever blocking the process: a client that leaves it open and
 * writes nothing (`sleep 1000 | docker-credential-ecr-login get`) must not keep the helper
 * from its deadlines. fd 0 itself is usually blocking, and Node cannot change that, so stdin
 * is opened again through /dev/stdin with O_NONBLOCK (a new open file description of the same
 * pipe or file) and polled. Where that is impossible (a socket, macOS, Windows), the stream
 * is used (see `openNonBlockingStdin`).
 */

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function isWouldBlock(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/**
 * Standard input opened again without blocking, or undefined where that cannot be had. Only
 * Linux opens /dev/stdin (/proc/self/fd/0) afresh, with the flags asked for. macOS and the
 * BSDs make it a dup of fd 0 and ignore every flag but the access mode (fd(4)): the read would
 * block, and with it the deadlines. Windows has neither /dev/stdin nor O_NONBLOCK.
 */
export function openNonBlockingStdin(
  platform: NodeJS.Platform = process.platform,
  flags: { readonly O_NONBLOCK?: number } = constants,
): number | undefined {
  if (platform !== 'linux' || flags.O_NONBLOCK === undefined) return undefined;
  try {
    return openSync('/dev/stdin', constants.O_RDONLY | flags.O_NONBLOCK);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One read of the non-blocking descriptor: bytes, its end, or nothing yet. */
type ReadOnce = Buffer | 'end' | 'nothing-yet';

/**
 * Standard input as an `InputStream`: through the non-blocking descriptor where there is one
 * (what is there read at once by `readAvailable`, the rest polled), else the stream.
 */
function createStdin(): InputStream {
  let fd: number | undefined | null = null;
  const descriptor = (): number | undefined => {
    if (fd === null) fd = openNonBlockingStdin();
    return fd;
  };
  const buffer = Buffer.alloc(64 * 1024);
  const readOnce = (from: number): ReadOnce => {
    try {
      const n = readSync(from, buffer, 0, buffer.length, null);
      return n === 0 ? 'end' : Buffer.from(buffer.subarray(0, n));
    } catch (error) {
      if (isWouldBlock(error)) return 'nothing-yet';
      // A directory as standard input (`< /`) holds no request.
      if (errorCode(error) === 'EOF' || errorCode(error) === 'EISDIR') return 'end';
      throw error;
    }
  };
  return {
    readAvailable(maxBytes) {
      const from = descriptor();
      if (from === undefined) return undefined;
      const chunks: Buffer[] = [];
      // Bounded: `< /dev/zero` always has more.
      for (let size = 0; size < maxBytes; ) {
        const got = readOnce(from);
        if (got === 'end') return { chunks, ended: true };
        if (got === 'nothing-yet') break;
        chunks.push(got);
        size += got.length;
      }
      return { chunks, ended: false };
    },
    async *[Symbol.asyncIterator]() {
      const from = descriptor();
      if (from === undefined) {
        for await (const chunk of process.stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        return;
      }
      let pause = 1;
      for (;;) {
        const got = readOnce(from);
        if (got === 'end') return;
        if (got === 'nothing-yet') {
          // Nothing yet and the writer is still there: look again shortly (the reader's deadline ends this).
          await sleep(pause);
          pause = Math.min(pause * 2, 25);
          continue;
        }
        pause = 1;
        yield got;
      }
    },
  };
}

/** Writes all of `text` to `fd` synchronously, so nothing is lost when the process exits. */
function writeAll(fd: number, text: string, stream: () => NodeJS.WriteStream): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    // The reader went away (closed its end): nothing left to tell it.
    if (errorCode(error) === 'EPIPE') return;
    if (!isWouldBlock(error)) throw error;
    stream().write(bytes.subarray(offset));
  }
}

/** The real process's standard streams. */
export function createProcessIo(): Io {
  return {
    stdin: createStdin(),
    // The stream only if a write would block: even reading `process.stdout` builds it.
    stdout: { write: (text: string) => writeAll(1, text, () => process.stdout), isTerminal: () => process.stdout.isTTY === true },
    stderr: { write: (text: string) => writeAll(2, text, () => process.stderr) },
  };
}
