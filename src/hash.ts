/*
 * Why not node:crypto: loading it costs ~4.7 ms (it pulls in ciphers, keys, webcrypto),
 * measured with --cpu-prof on the development machine, and a cache hit has a budget of a
 * few milliseconds over `node -e 0`. Nor @noble/hashes' SHA-256 any more: its module
 * initialisation and first, unoptimised run (a class hierarchy shared by every hash it offers)
 * took 1.3–1.6 ms of a 30 ms hit on Node (--cpu-prof, 50 µs samples). SHA-256 is a short,
 * fixed algorithm (FIPS 180-4); the one below is checked against node:crypto on random and
 * boundary inputs (__tests__/unit/hash.test.ts).
 *
 * In the single-file executable (`npm run package`) the runtime is Bun, whose native hasher
 * costs nothing to load: there none of this runs.
 */

interface BunHasher {
  update(text: string): BunHasher;
  digest(encoding: 'hex'): string;
}
const bun = (globalThis as { Bun?: { CryptoHasher: new (algorithm: 'sha256' | 'sha1') => BunHasher } }).Bun;

/** The round constants (FIPS 180-4, 4.2.2). */
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** The padded message (FIPS 180-4, 5.1.1): the bytes, 0x80, zeros, the length in bits (64-bit big-endian). */
function pad(bytes: Uint8Array): DataView {
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);
  return view;
}

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** SHA-256 of `bytes` (FIPS 180-4, 6.2), as lower-case hex. */
export function sha256OfBytes(bytes: Uint8Array): string {
  const view = pad(bytes);
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const w = new Array<number>(64);
  for (let offset = 0; offset < view.byteLength; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const next = [a, b, c, d, e, f, g, k];
    for (let i = 0; i < 8; i++) h[i] = (h[i] + next[i]) | 0;
  }
  return h.map((word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
}

/** SHA-256 of UTF-8 text, as lower-case hex. */
export function sha256Hex(text: string): string {
  if (bun) return new bun.CryptoHasher('sha256').update(text).digest('hex');
  return sha256OfBytes(Buffer.from(text, 'utf8'));
}

/** `n` random bytes as hex, from the platform CSPRNG (`crypto.getRandomValues`). */
export function randomHex(n: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(n))).toString('hex');
}

/**
 * SHA-1 of UTF-8 text, as lower-case hex. Only to name the file the AWS SDK names that way
 * (its SSO token cache); never for anything that must resist collisions. @noble/hashes' SHA-1
 * (with its MD5 and RIPEMD-160 tables) loads only here, which a cache hit never calls.
 */
export function sha1Hex(text: string): string {
  if (bun) return new bun.CryptoHasher('sha1').update(text).digest('hex');
  const { sha1 } = require('@noble/hashes/legacy') as typeof import('@noble/hashes/legacy');
  const { bytesToHex } = require('@noble/hashes/utils') as typeof import('@noble/hashes/utils');
  return bytesToHex(sha1(text));
}
