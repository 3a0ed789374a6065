import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
 * is never named: `~/bin/..` is the user's home.
 */
export function formatReadmeAddress(homepage: string | undefined, programFile: string | undefined): string {
  if (homepage !== undefined) return homepage;
  if (programFile === undefined) return README_ELSEWHERE;
  const dir = dirname(programFile);
  const found = [join(dir, 'README.md'), join(dir, '..', 'README.md')].find(isOurReadme);
  return found ?? README_ELSEWHERE;
}

function isOurReadme(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').startsWith('# docker-credential-ecr-login');
  } catch {
    return false;
  }
}
