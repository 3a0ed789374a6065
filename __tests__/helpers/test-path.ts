import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from './temp-dir';

let nodeDir: string | undefined;

/**
 * The directory that gives a child `node` and nothing else: this Node, which the `bin/`
 * launchers' `#!/usr/bin/env node` needs. On Unix a private directory with one link; on
 * Windows (no links without a privilege) Node's own directory, with the system's beside it,
 * which cmd.exe (for a .cmd launcher) needs.
 */
function nodeOnly(): string[] {
  if (process.platform === 'win32') {
    return [path.dirname(process.execPath), path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32')];
  }
  if (nodeDir === undefined || !fs.existsSync(nodeDir)) {
    nodeDir = makeTempDir('ecr-login-node-');
    fs.symlinkSync(process.execPath, path.join(nodeDir, 'node'));
  }
  return [nodeDir];
}

/**
 * A PATH made only of the test's own directories: `dirs`, then one that holds `node`. Nothing
 * of the machine's PATH, where a `docker-credential-ecr-login` (Debian's Go helper is in
 * /usr/bin), a docker or an aws would change what the helper finds and says.
 */
export function testPath(...dirs: string[]): string {
  return [...dirs, ...nodeOnly()].join(path.delimiter);
}
