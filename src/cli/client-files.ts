import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClientEnv } from '../config';
import { ConfigError } from '../errors';

/**
 * Where docker and the containers tools (podman, skopeo, buildah) keep the files `configure`
 * edits, by each program's own rules (the helper's settings file is `Config.settingsFile`).
 */

/** Docker's: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (docker/cli config.Dir()). */
export function resolveDockerConfigFile(env: ClientEnv, homeDir: string): string {
  return env.DOCKER_CONFIG ? join(resolve(env.DOCKER_CONFIG), 'config.json') : join(homeDir, '.docker', 'config.json');
}

/**
 * The containers tools' primary (read/write) auth file, as containers/image
 * (pkg/docker/config getPathToAuthWithOS) picks it: `$REGISTRY_AUTH_FILE`; on macOS and
 * Windows `$HOME/.config/containers/auth.json`; on Linux `$XDG_RUNTIME_DIR/containers/auth.json`
 * — an error if that directory does not exist, as there — and without XDG_RUNTIME_DIR
 * `/run/containers/<uid>/auth.json` (not `~/.config`: that file is only read, after the primary).
 */
export function resolveContainersAuthFile(
  env: ClientEnv,
  homeDir: string,
  platform: NodeJS.Platform,
  uid: number | undefined,
  isDirectory: (path: string) => boolean = defaultIsDirectory,
): string {
  if (env.REGISTRY_AUTH_FILE) return resolve(env.REGISTRY_AUTH_FILE);
  if (platform === 'win32' || platform === 'darwin') return join(homeDir, '.config', 'containers', 'auth.json');
  const runtimeDir = env.XDG_RUNTIME_DIR;
  if (runtimeDir) {
    if (!isDirectory(runtimeDir)) {
      throw new ConfigError(
        `XDG_RUNTIME_DIR=${runtimeDir} does not exist, so podman and skopeo have no auth file there either: create the directory, unset XDG_RUNTIME_DIR, or name a file with --config`,
      );
    }
    return join(runtimeDir, 'containers', 'auth.json');
  }
  return `/run/containers/${uid ?? 0}/auth.json`;
}

function defaultIsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
