// npm's `prepare` script. npm runs it in a checkout after `npm ci`/`npm install` and before
// `npm pack`, where the devDependencies are installed and the build can run; but also when a
// source folder or a git URL is installed with `npm install -g <folder>` / `git+…`. There npm
// runs it without the devDependencies (for a folder, npm links the checkout as it is; for a
// git URL with -g, npm's own preparation step runs a global install of the clone, which skips
// devDependencies too), so the build cannot run. Those installs are not offered: this script
// says which install to use instead, and removes the link npm made to this folder, so that a
// failed install leaves nothing behind (npm's rollback restores a previous install by itself,
// but does not remove the new link).
//
// A packed tarball has no scripts/ folder and npm never runs `prepare` for it (npm runs it
// only for linked folders and git sources), so nothing here runs for a tarball install.

import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function hasDevDependencies() {
  try {
    createRequire(path.join(ROOT, 'package.json')).resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

/** The node_modules npm is installing into (the global one with -g), asked of npm itself. */
function installRoot() {
  const npm = process.env.npm_execpath;
  if (!npm) return undefined;
  // npm passes its configuration (global, prefix, …) down in npm_config_* variables.
  const result = spawnSync(process.execPath, [npm, 'root'], { cwd: process.env.INIT_CWD ?? process.cwd(), encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Removes `<install root>/<name>` if it is npm's link to this very folder, nothing else. */
function removeLinkToThisFolder() {
  const root = installRoot();
  if (!root) return;
  const link = path.join(root, name);
  try {
    if (lstatSync(link).isSymbolicLink() && realpathSync(link) === realpathSync(ROOT)) unlinkSync(link);
  } catch {
    // no link there: nothing to clean up
  }
}

if (hasDevDependencies()) {
  await import('./build.mjs');
} else {
  process.stderr.write(
    `${name}: cannot build in ${ROOT}: its devDependencies are not installed.\n` +
      `Installing ${name} from a source folder or a git URL is not supported. Instead, in a clone of the repository:\n` +
      `  npm ci && npm pack && npm install -g ./${name}-${version}.tgz\n` +
      `or install a release's single-file executable (README.md, "Install"). To work on a clone: npm ci && npm run build\n`,
  );
  removeLinkToThisFolder();
  process.exitCode = 1;
}
