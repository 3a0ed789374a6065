import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha1Hex, sha256Hex, sha256OfBytes } from '../../src/hash';
import { FUZZ } from '../helpers/fuzz';

/*
 * src/hash.ts's own SHA-256 (Node's cache-hit path) against node:crypto: the FIPS 180-4 test
 * vectors, every padding boundary (a message that fills a block up to 55, 56, 63, 64 bytes
 * ends in one or two blocks), multi-block and non-ASCII text, and arbitrary bytes.
 */

const reference = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('gives the FIPS 180-4 digest of %j', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it('agrees with node:crypto at every length around the padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect([length, sha256Hex(text)]).toEqual([length, reference(text)]);
    }
  });

  it('hashes text as UTF-8', () => {
    const text = 'ü€😀\u0000\uffff'.repeat(30);
    expect(sha256Hex(text)).toBe(reference(Buffer.from(text, 'utf8')));
  });

  it('agrees with node:crypto on arbitrary bytes and strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => sha256OfBytes(bytes) === reference(bytes)),
      FUZZ,
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => sha256Hex(text) === reference(text)),
      FUZZ,
    );
  });
});

describe('sha1Hex', () => {
  it('gives the FIPS 180-4 digest (the AWS SDK names its SSO cache files so)', () => {
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex('ü')).toBe(createHash('sha1').update('ü').digest('hex'));
  });
});
