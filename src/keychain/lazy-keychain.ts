import type { Keychain } from './os-keychain';

/**
 * A keychain built on its first call by `load`. Every invocation makes one (main.ts), and a
 * cache hit with the file store calls none: the OS keychain's code is in the bundle a hit
 * never loads (dist/deferred.js, scripts/build.mjs). `maxItemBytes` is known without it.
 */
export function createLazyKeychain(maxItemBytes: number | undefined, load: () => Promise<Keychain>): Keychain {
  let loaded: Promise<Keychain> | undefined;
  const keychain = (): Promise<Keychain> => (loaded ??= load());
  return {
    maxItemBytes,
    get: async (service, account) => (await keychain()).get(service, account),
    set: async (service, account, secret) => (await keychain()).set(service, account, secret),
    delete: async (service, account) => (await keychain()).delete(service, account),
    list: async (service) => (await keychain()).list(service),
  };
}
