'use strict';
// Stand-in for @noble/hashes/crypto in our bundles (see the nobleWebCrypto plugin in
// build.mjs): reaches WebCrypto only when random bytes are actually asked for.
Object.defineProperty(exports, 'crypto', { enumerable: true, get: () => globalThis.crypto });
