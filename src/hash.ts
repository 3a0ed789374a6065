/*
 * Why not node:crypto: loading it costs ~4.7 ms (it pulls in ciphers, keys, webcrypto),
 * measured with --cpu-prof on the development machine, and a cache hit has a budget of a
 * few milliseconds over `node -e 0`. @noble/hashes is an audited, dependency-free SHA-256 in
 * ~6 KB that loads in well under a millisecond; a hit hashes a few hundred bytes.
 *
 * In the single-file executable (`npm run package`) the runtime is Bun, whose native hasher
 * costs nothing to load: there @noble/hashes is never loaded. Its module initialisation
 * (tables for every hash it offers) took ~10 ms of a Bun start, and its first, unoptimised
 * SHA-256 was the largest part of our own code on a cache hit (`BUN_OPTIONS=--cpu-prof-md`).
 */

interface BunHasher {
  update(text: string): BunHasher;
  digest(encoding: 'hex'): string;
}
const bun = (globalThis as { Bun?: { CryptoHasher: new (algorithm: 'sha256' | 'sha1') => BunHasher } }).Bun;

type Sha2 = typeof import('@noble/hashes/sha2') & typeof import('@noble/hashes/utils');
let sha2: Sha2 | undefined;

/**
 * @noble/hashes' SHA-2, loaded on first use (never on Bun). Its SHA-1 module (with MD5 and
 * RIPEMD-160 tables) loads only for `sha1Hex`, which a cache hit never calls.
 */
function loadSha2(): Sha2 {
  sha2 ??= {
    ...(require('@noble/hashes/sha2') as typeof import('@noble/hashes/sha2')),
    ...(require('@noble/hashes/utils') as typeof import('@noble/hashes/utils')),
  };
  return sha2;
}

/** SHA-256 of UTF-8 text, as lower-case hex. */
export function sha256Hex(text: string): string {
  if (bun) return new bun.CryptoHasher('sha256').update(text).digest('hex');
  const { bytesToHex, sha256 } = loadSha2();
  return bytesToHex(sha256(text));
}

/** `n` random bytes as hex, from the platform CSPRNG (`crypto.getRandomValues`). */
export function randomHex(n: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(n))).toString('hex');
}

/**
 * SHA-1 of UTF-8 text, as lower-case hex. Only to name the file the AWS SDK names that way
 * (its SSO token cache); never for anything that must resist collisions.
 */
export function sha1Hex(text: string): string {
  if (bun) return new bun.CryptoHasher('sha1').update(text).digest('hex');
  const { sha1 } = require('@noble/hashes/legacy') as typeof import('@noble/hashes/legacy');
  return loadSha2().bytesToHex(sha1(text));
}
