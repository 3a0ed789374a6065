import { sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, randomBytes } from '@noble/hashes/utils';

/*
 * Why not node:crypto: loading it costs ~4.7 ms (it pulls in ciphers, keys, webcrypto),
 * measured with --cpu-prof on the development machine, and a cache hit has a budget of a
 * few milliseconds over `node -e 0`. @noble/hashes is an audited, dependency-free SHA-256 in
 * ~6 KB that loads in well under a millisecond; a hit hashes a few hundred bytes.
 */

/**
 * In the single-file executable (`npm run package`) the runtime is Bun, whose native hasher
 * costs nothing to load: profiled there (`BUN_OPTIONS=--cpu-prof-md`), @noble/hashes' first,
 * unoptimised run was the largest part of our own code on a cache hit.
 */
interface BunHasher {
  update(text: string): BunHasher;
  digest(encoding: 'hex'): string;
}
const bun = (globalThis as { Bun?: { CryptoHasher: new (algorithm: 'sha256' | 'sha1') => BunHasher } }).Bun;

/** SHA-256 of UTF-8 text, as lower-case hex. */
export function sha256Hex(text: string): string {
  return bun ? new bun.CryptoHasher('sha256').update(text).digest('hex') : bytesToHex(sha256(text));
}

/** `n` random bytes as hex (from the platform CSPRNG via `crypto.getRandomValues`). */
export function randomHex(n: number): string {
  return bytesToHex(randomBytes(n));
}

/**
 * SHA-1 of UTF-8 text, as lower-case hex. Only to name the file the AWS SDK names that way
 * (its SSO token cache); never for anything that must resist collisions.
 */
export function sha1Hex(text: string): string {
  return bun ? new bun.CryptoHasher('sha1').update(text).digest('hex') : bytesToHex(sha1(text));
}
