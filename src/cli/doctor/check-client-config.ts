import { join } from 'node:path';
import type { ClientEnv } from '../../config';
import { formatDockerConfigKey } from '../../registry/format-docker-config-key';
import { resolveDockerConfigFile } from '../client-files';
import { HELPER_NAME } from '../helper-names';
import { type CheckResult, fail, ok, skip } from './check-result';

/** What reading a client's JSON file gave. */
export type JsonFileRead =
  | { readonly status: 'missing' }
  | { readonly status: 'ok'; readonly value: unknown }
  | { readonly status: 'invalid'; readonly reason: string };

export type ReadJsonFile = (file: string) => JsonFileRead;

interface ClientFile {
  readonly credHelpers: Readonly<Record<string, unknown>>;
  readonly credsStore: string | undefined;
  readonly auths: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asClientFile(value: unknown): ClientFile | undefined {
  if (!isRecord(value)) return undefined;
  return {
    credHelpers: isRecord(value.credHelpers) ? value.credHelpers : {},
    credsStore: typeof value.credsStore === 'string' ? value.credsStore : undefined,
    auths: isRecord(value.auths) ? value.auths : {},
  };
}

/** Whether an `auths` key names the registry (`https://host/v1/`, `host`, or a `host/namespace` scope). */
function authsKeyMatches(key: string, hostKey: string): boolean {
  const bare = key.replace(/^https?:\/\//i, '').toLowerCase();
  return bare === hostKey || bare.startsWith(`${hostKey}/`);
}

/** An `auths` entry that holds credentials (docker with `credsStore` leaves `{}` placeholders). */
function holdsCredentials(entry: unknown): boolean {
  return isRecord(entry) && ['auth', 'identitytoken', 'username'].some((k) => typeof entry[k] === 'string' && entry[k] !== '');
}

/**
 * The files podman, skopeo and buildah (containers/image) read credentials from, in the order
 * they read them (containers-auth.json(5)): the primary auth file (`$REGISTRY_AUTH_FILE`, else
 * per platform, see `resolveContainersAuthFile`), then — unless REGISTRY_AUTH_FILE is set —
 * `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`, then docker's config. The first file
 * with an entry for the registry decides.
 */
export function resolveContainersAuthFiles(env: ClientEnv, homeDir: string, primary: string | undefined): string[] {
  const files: string[] = [];
  if (primary !== undefined) files.push(primary);
  if (!env.REGISTRY_AUTH_FILE) files.push(join(env.XDG_CONFIG_HOME || join(homeDir, '.config'), 'containers', 'auth.json'));
  files.push(resolveDockerConfigFile(env, homeDir));
  return [...new Set(files)];
}

function configureFix(hostKey: string, containers = false): string {
  const snippet = JSON.stringify({ credHelpers: { [hostKey]: HELPER_NAME } });
  return `run \`docker-credential-ecr-login configure --registry ${hostKey}${containers ? ' --containers-auth' : ''}\`, or add ${snippet}`;
}

/** The registries a file sends to this helper, for the report without a registry. */
function routedHosts(file: ClientFile): string[] {
  return Object.entries(file.credHelpers)
    .filter(([, helper]) => helper === HELPER_NAME)
    .map(([host]) => host);
}

/**
 * Does docker's config send `host` to this helper? The docker CLI's rule: a `credHelpers`
 * entry for the host wins; else `credsStore`; else the `auths` entry (a `docker login`'s
 * stored password). Without a host: the file must be readable, and the report lists what it
 * routes.
 */
export function checkDockerConfig(file: string, read: JsonFileRead, host: string | undefined): CheckResult {
  const name = 'docker-config';
  if (read.status === 'invalid') {
    return fail(name, `${file} cannot be read as JSON: ${read.reason}`, `fix or remove ${file}; docker cannot read it either`);
  }
  const parsed = read.status === 'ok' ? asClientFile(read.value) : undefined;
  if (read.status === 'ok' && !parsed) return fail(name, `${file} is not a JSON object`, `fix or remove ${file}`);
  if (host === undefined) {
    if (!parsed)
      return skip(name, `no registry given; ${file} does not exist`, 'give a registry: doctor <account>.dkr.ecr.<region>.amazonaws.com');
    const hosts = routedHosts(parsed);
    const store = parsed.credsStore === HELPER_NAME ? '; credsStore: ecr-login (every registry)' : '';
    return skip(
      name,
      `no registry given; ${file} routes to ecr-login: ${hosts.length > 0 ? hosts.join(', ') : 'no credHelpers entry'}${store}`,
    );
  }
  const hostKey = formatDockerConfigKey(host) ?? host;
  if (!parsed) return fail(name, `${file} does not exist, so docker does not use this helper for ${hostKey}`, configureFix(hostKey));
  const helper = parsed.credHelpers[hostKey];
  const shadowed = Object.keys(parsed.auths).some((key) => authsKeyMatches(key, hostKey) && holdsCredentials(parsed.auths[key]));
  if (helper !== undefined) {
    if (helper === HELPER_NAME) {
      return ok(
        name,
        `${file}: credHelpers sends ${hostKey} to docker-credential-ecr-login${shadowed ? ' (its auths entry for the host is ignored: credHelpers wins)' : ''}`,
      );
    }
    return fail(
      name,
      `${file}: credHelpers sends ${hostKey} to docker-credential-${String(helper)}, not to this helper`,
      `set "credHelpers": {"${hostKey}": "${HELPER_NAME}"} in ${file}`,
    );
  }
  const nearMiss = Object.keys(parsed.credHelpers).find((key) => key !== hostKey && formatDockerConfigKey(key) === hostKey);
  if (nearMiss !== undefined) {
    return fail(
      name,
      `${file}: credHelpers has "${nearMiss}", which docker does not match against ${hostKey} (it looks the bare host name up)`,
      `rename the key to "${hostKey}"`,
    );
  }
  if (parsed.credsStore === HELPER_NAME)
    return ok(name, `${file}: credsStore sends every registry, ${hostKey} included, to docker-credential-ecr-login`);
  if (parsed.credsStore !== undefined) {
    return fail(
      name,
      `${file}: no credHelpers entry for ${hostKey}, so docker asks credsStore docker-credential-${parsed.credsStore}${shadowed ? ' (or uses the auths entry)' : ''}`,
      `${configureFix(hostKey)} (credHelpers wins over credsStore)`,
    );
  }
  return fail(
    name,
    shadowed
      ? `${file}: no credHelpers entry for ${hostKey}; docker uses the password a \`docker login\` left in auths, which expires within 12 hours`
      : `${file}: nothing sends ${hostKey} to this helper (no credHelpers entry, no credsStore)`,
    configureFix(hostKey),
  );
}

/**
 * Does podman/skopeo/buildah send `host` to this helper? containers/image reads its auth
 * files in order (see `resolveContainersAuthFiles`); in each, `credHelpers` for the host wins
 * over `auths`, and the first file with either decides. It ignores `credsStore`.
 */
export function checkContainersAuth(files: readonly string[], readFile: ReadJsonFile, host: string | undefined): CheckResult {
  const name = 'containers-auth';
  const reads = files.map((file) => [file, readFile(file)] as const);
  const broken = reads.find(([, read]) => read.status === 'invalid');
  if (broken) {
    const [file, read] = broken;
    return fail(name, `${file} cannot be read as JSON: ${read.status === 'invalid' ? read.reason : ''}`, `fix or remove ${file}`);
  }
  const dockerFile = files[files.length - 1];
  const ownFiles = reads.filter(([file, read]) => file !== dockerFile && read.status === 'ok').map(([file]) => file);
  if (host === undefined) return skip(name, 'no registry given');
  const hostKey = formatDockerConfigKey(host) ?? host;
  let dockerUsesCredsStore = false;
  for (const [file, read] of reads) {
    if (read.status !== 'ok') continue;
    const parsed = asClientFile(read.value);
    if (!parsed) continue;
    const helper = parsed.credHelpers[hostKey];
    if (helper === HELPER_NAME) return ok(name, `${file}: credHelpers sends ${hostKey} to docker-credential-ecr-login`);
    if (helper !== undefined) {
      return fail(
        name,
        `${file}: credHelpers sends ${hostKey} to docker-credential-${String(helper)}`,
        `set "credHelpers": {"${hostKey}": "${HELPER_NAME}"} in ${file}`,
      );
    }
    const entry = Object.keys(parsed.auths).find((key) => authsKeyMatches(key, hostKey) && holdsCredentials(parsed.auths[key]));
    if (entry !== undefined) {
      return fail(
        name,
        `${file} has an auths entry "${entry}" (a \`podman login\` or \`docker login\`), which podman/skopeo use for ${hostKey} instead of this helper; ECR passwords expire within 12 hours`,
        `remove it (\`podman logout ${hostKey}\`${file === dockerFile ? ` or \`docker logout ${hostKey}\`` : ''}), then ${configureFix(hostKey, file !== dockerFile)}`,
      );
    }
    if (file === dockerFile && parsed.credsStore === HELPER_NAME) dockerUsesCredsStore = true;
  }
  const why = dockerUsesCredsStore
    ? `podman/skopeo ignore credsStore, and no credHelpers entry sends ${hostKey} to this helper`
    : `no file podman/skopeo read sends ${hostKey} to this helper (read: ${files.join(', ')})`;
  // Nobody here uses podman/skopeo (no auth file of theirs): not a failure, but say what they would need.
  if (ownFiles.length === 0)
    return skip(name, `${why}; no containers auth file exists`, `if you use podman or skopeo: ${configureFix(hostKey)}`);
  return fail(name, why, configureFix(hostKey, true));
}
