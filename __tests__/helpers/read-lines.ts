import * as fs from 'node:fs';

/** The non-empty lines of `file` as it is now; none while it does not exist (a log nothing wrote yet). */
export function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}
