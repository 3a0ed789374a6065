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
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** The message schedule, reused: one hash at a time (JavaScript is single-threaded). */
const W = new Int32Array(64);

/**
 * SHA-256 of `bytes` (FIPS 180-4, 5.1.1 padding and 6.2 computation), as lower-case hex.
 * Written for a single cold run in V8's interpreter, which is how a cache hit runs it: plain
 * locals, rotations inline, no calls or array destructuring inside the rounds.
 */
export function sha256OfBytes(bytes: Uint8Array): string {
  const length = bytes.length;
  const total = Math.ceil((length + 9) / 64) * 64;
  const m = new Uint8Array(total);
  m.set(bytes);
  m[length] = 0x80;
  const bitsHigh = Math.floor(length / 0x20000000);
  const bitsLow = (length * 8) >>> 0;
  for (let i = 0; i < 4; i++) {
    m[total - 8 + i] = (bitsHigh >>> (24 - 8 * i)) & 0xff;
    m[total - 4 + i] = (bitsLow >>> (24 - 8 * i)) & 0xff;
  }
  let h0 = 0x6a09e667;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab;
  let h7 = 0x5be0cd19;
  for (let offset = 0; offset < total; offset += 64) {
    for (let t = 0; t < 16; t++) {
      const i = offset + t * 4;
      W[t] = ((m[i] as number) << 24) | ((m[i + 1] as number) << 16) | ((m[i + 2] as number) << 8) | (m[i + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15] as number;
      const y = W[t - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const sigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + sigma1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0;
      const sigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (sigma0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  let hex = '';
  for (const word of [h0, h1, h2, h3, h4, h5, h6, h7]) hex += (word >>> 0).toString(16).padStart(8, '0');
  return hex;
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
 * (with its MD5 and RIPEMD-160 tables) is a chunk of its own (dist/vendor-noble-sha1.js),
 * loaded only here: only for a profile that uses SSO.
 */
export function sha1Hex(text: string): string {
  if (bun) return new bun.CryptoHasher('sha1').update(text).digest('hex');
  const { sha1 } = require('@noble/hashes/legacy') as typeof import('@noble/hashes/legacy');
  return Buffer.from(sha1(text)).toString('hex');
}
