/** The pinned Bun binary, or what to do to get it (scripts/find-bun.js). */
export function findBun(root?: string): { readonly bun: string; readonly version: string } | { readonly error: string };
/** The `bun build` flags the helper is compiled with. */
export const COMPILE_FLAGS: readonly string[];
