import { MAX_INPUT_BYTES, readInput } from '../../../src/protocol/docker/read-input';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  for (const part of parts) yield part;
}

describe('readInput', () => {
  it('joins chunks into text', async () => {
    await expect(readInput(chunks('123456789012.dkr', Buffer.from('.ecr.us-east-1.amazonaws.com\n')))).resolves.toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com\n',
    );
  });

  it('accepts multi-byte UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('registry-é.example');
    await expect(readInput(chunks(bytes.subarray(0, 10), bytes.subarray(10)))).resolves.toBe('registry-é.example');
  });

  it('refuses invalid UTF-8', async () => {
    await expect(readInput(chunks(Buffer.from([0x68, 0xff, 0xfe, 0x69])))).rejects.toThrow(
      'invalid input: standard input is not valid UTF-8 text',
    );
  });

  it('refuses NUL bytes', async () => {
    await expect(readInput(chunks('a\u0000b'))).rejects.toThrow('invalid input: binary data on standard input');
  });

  it('stops reading at the limit', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        produced += 1;
        yield Buffer.alloc(16 * 1024, 0x61);
      }
    }
    await expect(readInput(endless())).rejects.toThrow(`input too large: more than ${MAX_INPUT_BYTES} bytes on standard input`);
    expect(produced).toBeLessThanOrEqual(MAX_INPUT_BYTES / (16 * 1024) + 1);
  });

  it('reads empty input as empty text', async () => {
    await expect(readInput(chunks())).resolves.toBe('');
  });

  it('with firstLineOnly, answers at the first newline even if the writer never closes', async () => {
    async function* lineThenNothing(): AsyncGenerator<Buffer> {
      yield Buffer.from('registry.example.com\nignored');
      await new Promise(() => undefined);
    }
    await expect(readInput(lineThenNothing(), { firstLineOnly: true, deadlineMs: 60_000 })).resolves.toBe('registry.example.com\n');
  });

  it('gives up when nothing arrives before the deadline', async () => {
    async function* silent(): AsyncGenerator<Buffer> {
      await new Promise(() => undefined);
    }
    await expect(readInput(silent(), { deadlineMs: 50 })).rejects.toThrow(
      'no complete request on standard input within 0.05 s: write it and close stdin',
    );
  });
});

describe('readInput with what is already there (readAvailable)', () => {
  /** A stream whose `readAvailable` hands `ready` at once; its iterator yields `later`, counting the calls. */
  function stream(ready: { chunks: Buffer[]; ended: boolean }, ...later: string[]) {
    const seen = { available: 0, iterated: 0, maxBytes: 0 };
    return {
      seen,
      input: {
        readAvailable: (maxBytes: number) => {
          seen.available += 1;
          seen.maxBytes = maxBytes;
          return ready;
        },
        async *[Symbol.asyncIterator]() {
          for (const part of later) {
            seen.iterated += 1;
            yield Buffer.from(part);
          }
        },
      },
    };
  }

  it('answers from it alone when the input ended with it', async () => {
    const { input, seen } = stream({ chunks: [Buffer.from('registry.example'), Buffer.from('.com')], ended: true }, 'never read');
    await expect(readInput(input)).resolves.toBe('registry.example.com');
    expect(seen).toEqual({ available: 1, iterated: 0, maxBytes: MAX_INPUT_BYTES + 1 });
  });

  it('with firstLineOnly, answers from it when the line is complete and the writer still open', async () => {
    const { input, seen } = stream({ chunks: [Buffer.from('registry.example.com\nmore')], ended: false }, 'never read');
    await expect(readInput(input, { firstLineOnly: true })).resolves.toBe('registry.example.com\n');
    expect(seen.iterated).toBe(0);
  });

  it('goes on with the stream after a part that did not end the input', async () => {
    const { input, seen } = stream({ chunks: [Buffer.from('registry.')], ended: false }, 'example.com');
    await expect(readInput(input)).resolves.toBe('registry.example.com');
    expect(seen.iterated).toBe(1);
  });

  it('applies the limit, NUL and UTF-8 rules to it as to the stream', async () => {
    await expect(readInput(stream({ chunks: [Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61)], ended: false }).input)).rejects.toThrow(
      `input too large: more than ${MAX_INPUT_BYTES} bytes on standard input`,
    );
    await expect(readInput(stream({ chunks: [Buffer.from('a\u0000b')], ended: true }).input)).rejects.toThrow('binary data');
    await expect(readInput(stream({ chunks: [Buffer.from([0x68, 0xff])], ended: true }).input)).rejects.toThrow('not valid UTF-8');
    await expect(readInput(stream({ chunks: [Buffer.from('registry-é.example')], ended: true }).input)).resolves.toBe('registry-é.example');
  });
});
