import { dirname, join } from 'node:path';
import type { FsPlatform } from '../safe-fs/fs-platform';
import { readRegularFile } from '../safe-fs/read-files';

/** What `--help` says when no README of this project lies where the program is. */
export const README_ELSEWHERE = 'README.md beside the executable (release archive), in the npm package, or in the project repository';

/**
 * Where `--help` sends the reader for more: the package's `homepage` when package.json names
 * one, else this project's README where the program file is — beside it (a release archive
 * unpacked: the executable, LICENSE, README.md) or one level up (the npm package: `bin/` and
 * README.md) — else a fixed text.
 *
 * Only the program's own location counts, never `__dirname`: Bun fixes `__dirname` when it
 * compiles, so in the single-file executable it is a directory of the machine that built it
 * (issue 21.5). A README that is not this project's (`# docker-credential-ecr-login` heading)
 * is never named: `~/bin/..` is the user's home. A README.md is read as the helper reads
 * files that anyone may have put there: a regular file only, opened non-blocking (a FIFO of
 * that name would otherwise hang `--help`), size-capped; its owner does not matter.
 */
export function formatReadmeAddress(homepage: string | undefined, programFile: string | undefined, fsPlatform: FsPlatform): string {
  if (homepage !== undefined) return homepage;
  if (programFile === undefined) return README_ELSEWHERE;
  const dir = dirname(programFile);
  const found = [join(dir, 'README.md'), join(dir, '..', 'README.md')].find((file) => isOurReadme(file, fsPlatform));
  return found ?? README_ELSEWHERE;
}

/** Larger than this project's README; a bigger file of that name is not ours. */
const MAX_README_BYTES = 1024 * 1024;

function isOurReadme(file: string, fsPlatform: FsPlatform): boolean {
  const read = readRegularFile(file, MAX_README_BYTES, fsPlatform);
  return read.status === 'ok' && read.text.startsWith('# docker-credential-ecr-login');
}
