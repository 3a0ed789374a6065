import { describeFsPlatform, type FsPlatform } from '../../src/safe-fs/fs-platform';

/**
 * This process's `FsPlatform`, described as the entry point describes it: what a test hands to
 * code that touches files where the entry would (tests may read `process`; src/ below the entry
 * may not).
 */
export function hostFs(): FsPlatform {
  return describeFsPlatform(process.platform, process.getuid?.());
}

/** The process facts `run()` takes from the entry (`MainDeps`), as the entry reads them here. */
export function hostProcessFacts(): { platform: NodeJS.Platform; uid: number | undefined; fsPlatform: FsPlatform } {
  return { platform: process.platform, uid: process.getuid?.(), fsPlatform: hostFs() };
}
