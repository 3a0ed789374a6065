import type { TokenStore } from './token-store';

/** `AWS_ECR_DISABLE_CACHE`: remembers nothing. */
export function createNullStore(): TokenStore {
  return {
    get: async () => undefined,
    put: async () => undefined,
    list: async () => [],
  };
}
