import * as path from 'node:path';

/**
 * Environment that makes a Node helper process load `preload/<name>.js` first (through
 * NODE_OPTIONS, so the launcher and the bundle run unchanged), merged into `env`.
 */
export function withPreload(
  env: Record<string, string>,
  name: 'shift-clock' | 'pause-at',
  extra: Record<string, string>,
): Record<string, string> {
  const preload = path.join(__dirname, `${name}.js`);
  const options = [env.NODE_OPTIONS, `--require ${preload}`].filter(Boolean).join(' ');
  return { ...env, ...extra, NODE_OPTIONS: options };
}
