import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatReadmeAddress, README_ELSEWHERE } from '../../../src/cli/format-readme-address';
import { hostFs } from '../../helpers/host-fs';
import { itOnUnix } from '../../helpers/platform';
import { makeTempDir } from '../../helpers/temp-dir';

/*
 * Where `--help` sends the reader: found from the program's own file, never from where the
 * code was built (issue 21.5: the executable named a directory of the build machine).
 */

const OURS = '# docker-credential-ecr-login\n\nA Docker credential helper.\n';

/** A directory laid out as `files` says, and the program file in it. */
function layout(files: Record<string, string>, program: string): string {
  const root = makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return path.join(root, program);
}

describe('formatReadmeAddress', () => {
  it('names the README beside the executable (a release archive unpacked)', () => {
    const program = layout({ 'docker-credential-ecr-login': '', 'README.md': OURS, LICENSE: '' }, 'docker-credential-ecr-login');
    expect(formatReadmeAddress(undefined, program, hostFs())).toBe(path.join(path.dirname(program), 'README.md'));
  });

  it("names the README above bin/ (the npm package's launcher)", () => {
    const program = layout({ 'bin/docker-credential-ecr-login': '', 'README.md': OURS }, 'bin/docker-credential-ecr-login');
    expect(formatReadmeAddress(undefined, program, hostFs())).toBe(path.join(path.dirname(program), '..', 'README.md'));
  });

  it.each([
    ['no README at all', {}],
    ["a README that is not this project's, beside it and above it", { 'bin/README.md': '# dotfiles\n', 'README.md': '# notes\n' }],
    ['a directory called README.md', { 'README.md/x': OURS }],
  ])('falls back to a fixed text with %s', (_what, files) => {
    const program = layout({ ...files, 'bin/docker-credential-ecr-login': '' }, 'bin/docker-credential-ecr-login');
    expect(formatReadmeAddress(undefined, program, hostFs())).toBe(README_ELSEWHERE);
  });

  itOnUnix(
    'passes over a FIFO called README.md beside the program, without waiting for a writer',
    'mkfifo: the Windows file system has no FIFOs',
    () => {
      const program = layout({ 'bin/docker-credential-ecr-login': '', 'README.md': OURS }, 'bin/docker-credential-ecr-login');
      const fifo = path.join(path.dirname(program), 'README.md');
      execFileSync('mkfifo', [fifo]);
      // The deadline of a wait that should not happen: were the FIFO waited on (a blocking open
      // in this very process, beyond the reach of jest's timeout), this writer ends it after
      // 10 s and leaves a mark, which fails the test instead of hanging the run.
      const came = path.join(makeTempDir(), 'writer-came');
      const writer = spawn('/bin/sh', ['-c', 'sleep 10; : > "$1"; : > "$2"', 'sh', fifo, came], { stdio: 'ignore' });
      try {
        // The one above bin/ is still found: the FIFO was refused, not waited on.
        expect(formatReadmeAddress(undefined, program, hostFs())).toBe(path.join(path.dirname(program), '..', 'README.md'));
        expect(fs.existsSync(came)).toBe(false);
      } finally {
        writer.kill();
      }
    },
  );

  it('falls back to the fixed text when the program file is not known, and prefers a homepage', () => {
    expect(formatReadmeAddress(undefined, undefined, hostFs())).toBe(README_ELSEWHERE);
    expect(README_ELSEWHERE).not.toContain(path.sep === '/' ? '/' : '\\');
    const program = layout({ 'README.md': OURS }, 'docker-credential-ecr-login');
    expect(formatReadmeAddress('https://example.com/docs', program, hostFs())).toBe('https://example.com/docs');
  });
});
