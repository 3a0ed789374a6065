/**
 * The home directory, from which `~/.ecr` and the AWS shared files (`~/.aws/config`) are found.
 * - Unix: `HOME` whenever it is set, even empty (which `parseConfig` refuses: no cache rather
 *   than one below the working directory), else the password database (`osHomeDir`). Read
 *   here, not left to `os.homedir()`: Node's is `HOME` whenever it is set, Bun's falls back to
 *   the password database for an empty one, and both runtimes must see the same.
 * - Windows: the first non-empty of `HOME` (Git Bash, MSYS2 and Cygwin set it), `USERPROFILE`,
 *   `HOMEDRIVE` + `HOMEPATH`, else the profile directory (`osHomeDir`). That is the AWS SDK's
 *   order (`getHomeDir` in @smithy/core's shared-ini-file-loader): the identity fingerprint must
 *   read the `~/.aws/config` the SDK will read, or two identities could share a fingerprint.
 */
export function resolveHomeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, osHomeDir: () => string): string {
  if (platform !== 'win32') return env.HOME ?? osHomeDir();
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEPATH) return `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}`;
  return osHomeDir();
}

/**
 * The user's home as docker and podman see it (Go's `os.UserHomeDir`): on Unix the same as
 * `resolveHomeDir`; on Windows `USERPROFILE`, whatever `HOME` a shell set (Git Bash on a
 * corporate machine often has a network `HOME` such as `H:\`). The docker config, the containers
 * auth file and the token cache live there, so that every shell and docker agree on them.
 */
export function resolveUserHomeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, osHomeDir: () => string): string {
  if (platform !== 'win32') return resolveHomeDir(env, platform, osHomeDir);
  return env.USERPROFILE || osHomeDir();
}
