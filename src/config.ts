import { isAbsolute, join, normalize } from 'node:path';
import { parseRetrySettings, type RetrySettings } from './retry-settings';

/**
 * Environment variables that decide which AWS identity (and which endpoints) a token
 * belongs to. They feed the local identity fingerprint that keys the cache, so that a
 * different identity never gets another identity's token.
 */
const IDENTITY_ENV_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ECR',
  'AWS_ENDPOINT_URL_ECR_PUBLIC',
  'AWS_ENDPOINT_URL_STS',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
] as const;

export type IdentityEnv = EnvOf<typeof IDENTITY_ENV_VARS>;

/**
 * Environment variables of the programs around the helper, for the commands that set them up
 * (`configure`) and check them (`doctor`): where a shell finds programs (`PATH`, on Windows
 * `PATHEXT`), where docker and podman/skopeo keep their configuration (`DOCKER_CONFIG`,
 * `REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `XDG_CONFIG_HOME`), the per-registry settings file
 * (`AWS_ECR_CONFIG`), the proxies, the default AWS region, and whether the terminal wants
 * colour. Taken as they are: each command decides what an empty one means. Never part of the
 * identity fingerprint.
 */
/**
 * The variables proxy-from-env reads to find a proxy (see its `getProxyForUrl`), in its order,
 * each in lower case and then upper: the AWS calls' agent follows them, doctor names them.
 */
export const PROXY_ENV_VARS: readonly string[] = [
  'npm_config_https_proxy',
  'NPM_CONFIG_HTTPS_PROXY',
  'npm_config_http_proxy',
  'NPM_CONFIG_HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'npm_config_proxy',
  'NPM_CONFIG_PROXY',
  'all_proxy',
  'ALL_PROXY',
];

const CLIENT_ENV_VARS = [
  'DOCKER_CONFIG',
  'REGISTRY_AUTH_FILE',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'AWS_ECR_CONFIG',
  'PATH',
  'PATHEXT',
  ...PROXY_ENV_VARS,
  'NO_PROXY',
  'no_proxy',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'NO_COLOR',
  'FORCE_COLOR',
  'TERM',
] as const;

export type ClientEnv = EnvOf<typeof CLIENT_ENV_VARS>;

/** The variables a list names, those that are set, by name. */
type EnvOf<Names extends readonly string[]> = Readonly<Partial<Record<Names[number], string>>>;

/** The variables of `names` that `env` sets; `keepEmpty: false` leaves out the empty ones too. */
function pickEnv<Names extends readonly string[]>(env: NodeJS.ProcessEnv, names: Names, keepEmpty: boolean): EnvOf<Names> {
  const picked: Partial<Record<Names[number], string>> = {};
  for (const name of names as readonly Names[number][]) {
    const value = env[name];
    if (value !== undefined && (keepEmpty || value !== '')) picked[name] = value;
  }
  return picked;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';
export type CacheBackend = 'file' | 'keychain';

/** Everything the helper takes from its environment, typed. */
export interface Config {
  /**
   * `AWS_ECR_CACHE_DIR`, default `~/.ecr`. Undefined when neither names an absolute path
   * (`HOME=""`): then nothing is cached or logged, rather than written below the working
   * directory a client happened to start the helper in.
   */
  readonly cacheDir: string | undefined;
  /** `AWS_ECR_DISABLE_CACHE`: any non-empty value turns the token cache off. */
  readonly cacheDisabled: boolean;
  /** `AWS_ECR_IGNORE_CREDS_STORAGE=true`: store/erase succeed as no-ops for every host. */
  readonly ignoreCredsStorage: boolean;
  /**
   * `AWS_ECR_ROLE_ARN`: kubelet mode, the role to assume with a pod's service account token
   * when its service account has no `eks.amazonaws.com/ecr-role-arn` annotation.
   */
  readonly ecrRoleArn: string | undefined;
  /** `AWS_ECR_CACHE_BACKEND`: where tokens are cached, `file` (default) or `keychain`. */
  readonly cacheBackend: CacheBackend;
  /**
   * `AWS_ECR_BACKGROUND_REFRESH` (default true; `false` turns it off): a cached token past
   * its refresh point is answered at once and refreshed by a detached process of this
   * program, rather than before the answer.
   */
  readonly backgroundRefresh: boolean;
  /**
   * `AWS_ECR_KEYCHAIN_ITEM_BYTES`, a test and diagnostic setting: keep OS keychain items
   * below this many bytes (256 to 1 MiB), splitting longer secrets, as on a platform with that
   * limit. It only lowers the platform's own limit (keychain-item-limit.ts). Lets the tests
   * split real Secret Service items the way Windows' 2,560 bytes split them.
   */
  readonly keychainItemBytes: number | undefined;
  /** Problems with the settings themselves, told to the user once. */
  readonly warnings: readonly string[];
  /**
   * `AWS_ECR_COMMAND_TIMEOUT` (seconds, default 50): one deadline for a whole command, so that
   * it always answers — before kubelet's one-minute kill.
   */
  readonly commandTimeoutMs: number;
  /** `AWS_ECR_LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  /** `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, `AWS_ECR_MAX_BACKOFF`. */
  readonly retry: RetrySettings;
  /**
   * `AWS_USE_DUALSTACK_ENDPOINT=true`, as the AWS SDK reads it (exactly `true`): dual-stack API
   * endpoints for registries named by their IPv4 host. A dual-stack registry host
   * (`….dkr-ecr.<region>.on.aws`) gets them whatever it says (registry/partitions.ts).
   */
  readonly useDualstackEndpoint: boolean;
  /** `<cacheDir>/log/ecr-login.log`. */
  readonly logFile: string | undefined;
  /** The home the AWS SDK reads `~/.aws` from (on Windows `HOME` first: entry/resolve-home-dir.ts). */
  readonly homeDir: string;
  /**
   * The home docker and podman use (on Windows `USERPROFILE`): their config files, and the
   * token cache (`~/.ecr`), so that every shell shares one.
   */
  readonly userHomeDir: string;
  readonly identityEnv: IdentityEnv;
  /** See `CLIENT_ENV_VARS`. */
  readonly clientEnv: ClientEnv;
  /**
   * The per-registry settings file (src/settings): `AWS_ECR_CONFIG` (a leading `~` expanded),
   * else `<cacheDir>/config.json`; `fromEnv` when the variable chose it. Undefined without either.
   */
  readonly settingsFile: { readonly path: string; readonly fromEnv: boolean } | undefined;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];

/** A header item (its mark, a part count and a SHA-256) and some text must fit in one item. */
const MIN_KEYCHAIN_ITEM_BYTES = 256;
const MAX_KEYCHAIN_ITEM_BYTES = 1024 * 1024;

/** Below kubelet's one-minute limit for a plugin, with room to say why. */
const DEFAULT_COMMAND_TIMEOUT_MS = 50_000;

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Expands a leading `~` the way a shell would, since the reference helper accepts `~/…`; the
 * AWS SDK expands it the same way in the shared-file paths it reads.
 */
export function expandHome(dir: string, homeDir: string): string {
  if (dir === '~') return homeDir;
  if (dir.startsWith('~/')) return join(homeDir, dir.slice(2));
  return dir;
}

/**
 * Reads the environment once into a typed `Config`. The only place in `src/` that looks at
 * environment variables (the AWS SDK reads its own).
 */
export function parseConfig(env: NodeJS.ProcessEnv, homeDir: string, userHomeDir: string = homeDir): Config {
  const warnings: string[] = [];
  const rawDir = env.AWS_ECR_CACHE_DIR?.trim();
  const chosen = rawDir ? expandHome(rawDir, userHomeDir) : userHomeDir === '' ? '' : join(userHomeDir, '.ecr');
  let cacheDir: string | undefined = normalize(chosen);
  if (!isAbsolute(chosen)) {
    cacheDir = undefined;
    warnings.push(
      rawDir
        ? `AWS_ECR_CACHE_DIR=${rawDir} is not an absolute path: not caching tokens or writing a log`
        : `the home directory (${JSON.stringify(userHomeDir)}) is not an absolute path: not caching tokens or writing a log; set HOME or AWS_ECR_CACHE_DIR`,
    );
  }
  const rawLevel = (env.AWS_ECR_LOG_LEVEL ?? '').trim().toLowerCase();
  const rawTimeout = (env.AWS_ECR_COMMAND_TIMEOUT ?? '').trim();
  let commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  if (rawTimeout !== '') {
    const seconds = /^\d+(\.\d+)?$/.test(rawTimeout) ? Number(rawTimeout) : Number.NaN;
    if (seconds >= 1 && seconds <= 3600) commandTimeoutMs = Math.round(seconds * 1000);
    else
      warnings.push(
        `AWS_ECR_COMMAND_TIMEOUT=${rawTimeout} is not a number of seconds from 1 to 3600; using ${DEFAULT_COMMAND_TIMEOUT_MS / 1000}`,
      );
  }
  const rawBackend = (env.AWS_ECR_CACHE_BACKEND ?? '').trim().toLowerCase();
  let cacheBackend: CacheBackend = 'file';
  if (rawBackend === 'keychain') cacheBackend = 'keychain';
  else if (rawBackend !== '' && rawBackend !== 'file') {
    warnings.push(`AWS_ECR_CACHE_BACKEND=${rawBackend} is not a backend (file or keychain); using file`);
  }
  const rawRefresh = (env.AWS_ECR_BACKGROUND_REFRESH ?? '').trim().toLowerCase();
  if (rawRefresh !== '' && rawRefresh !== 'true' && rawRefresh !== 'false') {
    warnings.push(`AWS_ECR_BACKGROUND_REFRESH=${rawRefresh} is neither true nor false; using true`);
  }
  const rawItemBytes = (env.AWS_ECR_KEYCHAIN_ITEM_BYTES ?? '').trim();
  let keychainItemBytes: number | undefined;
  if (rawItemBytes !== '') {
    const bytes = /^\d{1,8}$/.test(rawItemBytes) ? Number(rawItemBytes) : Number.NaN;
    if (bytes >= MIN_KEYCHAIN_ITEM_BYTES && bytes <= MAX_KEYCHAIN_ITEM_BYTES) keychainItemBytes = bytes;
    else
      warnings.push(
        `AWS_ECR_KEYCHAIN_ITEM_BYTES=${rawItemBytes} is not a number of bytes from ${MIN_KEYCHAIN_ITEM_BYTES} to ${MAX_KEYCHAIN_ITEM_BYTES}; using the platform's limit`,
      );
  }
  const retry = parseRetrySettings(env, warnings);
  const rawDualStack = env.AWS_USE_DUALSTACK_ENDPOINT ?? '';
  if (rawDualStack !== '' && rawDualStack !== 'true' && rawDualStack !== 'false') {
    warnings.push(`AWS_USE_DUALSTACK_ENDPOINT=${rawDualStack} is neither true nor false, the only values the AWS SDK takes`);
  }
  return {
    cacheDir,
    cacheDisabled: (env.AWS_ECR_DISABLE_CACHE ?? '') !== '',
    ignoreCredsStorage: (env.AWS_ECR_IGNORE_CREDS_STORAGE ?? '').trim().toLowerCase() === 'true',
    ecrRoleArn: env.AWS_ECR_ROLE_ARN?.trim() || undefined,
    cacheBackend,
    backgroundRefresh: rawRefresh !== 'false',
    keychainItemBytes,
    warnings,
    logLevel: isLogLevel(rawLevel) ? rawLevel : 'info',
    retry,
    useDualstackEndpoint: rawDualStack === 'true',
    commandTimeoutMs,
    logFile: cacheDir === undefined ? undefined : join(cacheDir, 'log', 'ecr-login.log'),
    homeDir,
    userHomeDir,
    identityEnv: pickEnv(env, IDENTITY_ENV_VARS, false),
    clientEnv: pickEnv(env, CLIENT_ENV_VARS, true),
    settingsFile: settingsFileOf(env.AWS_ECR_CONFIG?.trim(), cacheDir, userHomeDir),
  };
}

/** See `Config.settingsFile`. A relative `AWS_ECR_CONFIG` is kept as given: loading it is an error, not a guess. */
function settingsFileOf(chosen: string | undefined, cacheDir: string | undefined, homeDir: string): Config['settingsFile'] {
  if (chosen) return { path: expandHome(chosen, homeDir), fromEnv: true };
  return cacheDir === undefined ? undefined : { path: join(cacheDir, 'config.json'), fromEnv: false };
}
