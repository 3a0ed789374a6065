import * as path from 'node:path';
import { RUNTIME } from '../run-helper';

/**
 * Environment that makes a helper process load `preload/<name>.js` first, merged into `env`:
 * on Node through NODE_OPTIONS (`--require`), so the launcher and the bundle run unchanged;
 * in the single-file executable through BUN_OPTIONS (`--preload`), which a compiled Bun
 * program honours as Node honours NODE_OPTIONS. The preloads patch `Date.now` and `node:fs`,
 * which both runtimes share with the code they then run.
 */
export function withPreload(
  env: Record<string, string>,
  name: 'shift-clock' | 'pause-at',
  extra: Record<string, string>,
): Record<string, string> {
  const preload = path.join(__dirname, `${name}.js`);
  const [variable, option] = RUNTIME === 'exe' ? (['BUN_OPTIONS', '--preload'] as const) : (['NODE_OPTIONS', '--require'] as const);
  const options = [env[variable], `${option} ${preload}`].filter(Boolean).join(' ');
  return { ...env, ...extra, [variable]: options };
}
