/** What building the executable for one of Bun's targets takes (scripts/compile-targets.js). */
export interface CompileTarget {
  /** Bun's name for it, as `bun build --target` takes it. */
  readonly target: string;
  /** The npm package that carries Bun's runtime for it. */
  readonly runtime: string;
  /** What npm is told the platform is (`--os`, `--cpu`, `--libc`) when it installs the keyring addon for it. */
  readonly npmPlatform: { readonly os: string; readonly cpu: string; readonly libc?: string };
  /** `.exe` on Windows, else empty. */
  readonly exe: string;
}
export function parseCompileTarget(name: string): CompileTarget | { readonly error: string };
/** Every target name `parseCompileTarget` knows. */
export const COMPILE_TARGETS: readonly string[];
