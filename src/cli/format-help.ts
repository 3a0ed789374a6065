import type { Config } from '../config';
import { formatCacheFilePath } from '../store/file-store';
import { resolveDockerConfigFile } from './client-files';

/**
 * The settings the helper reads, as `--help` lists them (README, "Environment variables"):
 * every variable `src/config.ts` reads, by its full name, and no other (a test holds the two
 * together). The lower-case proxy variables go with the upper-case ones.
 */
const ENVIRONMENT: readonly [names: string, effect: string][] = [
  ['AWS_ECR_CACHE_DIR', 'cache directory (default ~/.ecr): tokens, log, locks, settings'],
  ['AWS_ECR_DISABLE_CACHE', 'any non-empty value: no token cache, every get asks ECR'],
  ['AWS_ECR_CACHE_BACKEND', 'file (default) or keychain: where tokens are cached'],
  ['AWS_ECR_BACKGROUND_REFRESH', 'false: a token due for refresh is fetched before get answers, not after'],
  ['AWS_ECR_IGNORE_CREDS_STORAGE', 'true: store/erase succeed as no-ops for every registry'],
  ['AWS_ECR_COMMAND_TIMEOUT', 'seconds a command may take in all (default 50)'],
  ['AWS_ECR_LOG_LEVEL', 'debug, info (default), warn, error or off, for the log file'],
  ['AWS_ECR_CONFIG', 'the per-registry settings file (profile, role, aliases)'],
  ['AWS_ECR_ROLE_ARN', "kubelet: the role for pods' service account tokens without an annotation"],
  ['AWS_ECR_KEYCHAIN_ITEM_BYTES', 'tests, diagnosis: split keychain items above this size (only lowers the limit)'],
  ['AWS_MAX_ATTEMPTS', "attempts per AWS call, 1 to 100 (default: the profile's max_attempts, else 3)"],
  ['AWS_RETRY_MODE', "standard or adaptive (default: the profile's retry_mode, else standard)"],
  ['AWS_ECR_MAX_BACKOFF', 'tests, diagnosis: the longest wait before a retry, in seconds (default 20)'],
  [
    'AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE',
    "the AWS SDK's credentials (and its other settings); they key the token cache",
  ],
  ['AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME, AWS_WEB_IDENTITY_TOKEN_FILE', 'web identity (IRSA): the role and its token file'],
  [
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
    'container credentials (ECS, EKS Pod Identity)',
  ],
  ['AWS_EC2_METADATA_SERVICE_ENDPOINT', 'instance metadata (an instance profile)'],
  ['AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_ECR_PUBLIC, AWS_ENDPOINT_URL_STS', 'custom AWS API endpoints'],
  ['AWS_USE_FIPS_ENDPOINT', "true: the AWS SDK's FIPS endpoints"],
  ['AWS_USE_DUALSTACK_ENDPOINT', 'true: dual-stack (IPv6) AWS endpoints; ….on.aws registries always use them'],
  ['AWS_REGION, AWS_DEFAULT_REGION', "doctor without a registry: STS's region (default us-east-1)"],
  ['HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY', 'proxies for the AWS calls and doctor (lower case too)'],
  ['NPM_CONFIG_HTTPS_PROXY, NPM_CONFIG_HTTP_PROXY, NPM_CONFIG_PROXY', "npm's proxy settings, followed too, before the ones above"],
  ['DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME', 'where the client files configure edits and doctor reads are'],
  ['PATH, PATHEXT', 'where docker finds the helper (configure warns, doctor checks)'],
  ['NO_COLOR, FORCE_COLOR, TERM', "doctor's colours (only on a terminal unless forced; none with TERM=dumb)"],
];

/** Names longer than this get their effect on the next line. */
const NAME_WIDTH = 30;

/** `A, B, C` in lines of at most 76 characters, each but the last ending with a comma. */
function wrapNames(names: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const name of names.split(', ')) {
    if (line !== '' && line.length + 2 + name.length > 76) {
      lines.push(`${line},`);
      line = name;
    } else line = line === '' ? name : `${line}, ${name}`;
  }
  return [...lines, line];
}

/**
 * The end of `--help`: the environment variables, the files as they resolve for this user and
 * environment, how to configure and diagnose, and where the documentation is.
 */
export function formatHelpFooter(config: Config, readmeAddress: string): string {
  const lines = [
    '',
    'Environment:',
    ...ENVIRONMENT.flatMap(([names, effect]) =>
      names.length <= NAME_WIDTH
        ? [`  ${names.padEnd(NAME_WIDTH)}  ${effect}`]
        : [...wrapNames(names).map((line) => `  ${line}`), `  ${' '.repeat(NAME_WIDTH)}  ${effect}`],
    ),
  ];
  const unset = '(none: HOME is not an absolute path)';
  const cache =
    config.cacheDir === undefined
      ? unset
      : config.cacheDisabled
        ? `${config.cacheDir} (caching off: AWS_ECR_DISABLE_CACHE)`
        : config.cacheBackend === 'keychain'
          ? 'the OS keychain (AWS_ECR_CACHE_BACKEND=keychain)'
          : formatCacheFilePath(config.cacheDir);
  const files: [string, string][] = [
    ['token cache', cache],
    ['log', config.logFile ?? unset],
    ['settings', config.settingsFile?.path ?? unset],
    ['docker config', resolveDockerConfigFile(config.clientEnv, config.userHomeDir)],
  ];
  const fileWidth = Math.max(...files.map(([name]) => name.length));
  lines.push('', 'Files (for this user and environment):', ...files.map(([name, path]) => `  ${name.padEnd(fileWidth)}  ${path}`));
  // The variables' values; the profile is read only when an AWS call is made (doctor shows the outcome).
  const { maxAttempts, mode } = config.retry;
  lines.push(
    '',
    'AWS retries (for this environment; doctor shows what applies):',
    `  attempts  ${maxAttempts === undefined ? "the profile's max_attempts, else 3" : `${maxAttempts} (AWS_MAX_ATTEMPTS)`}`,
    `  mode      ${mode === undefined ? "the profile's retry_mode, else standard" : `${mode} (AWS_RETRY_MODE)`}`,
  );
  lines.push(
    '',
    'Configure docker (and podman/skopeo) for a registry:',
    '  docker-credential-ecr-login configure --registry <account>.dkr.ecr.<region>.amazonaws.com',
    '  which adds to the docker config above: {"credHelpers": {"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"}}',
    'When a pull fails (no basic auth credentials, 401 Unauthorized):',
    '  docker-credential-ecr-login doctor <registry host>',
    'Kubernetes nodes: print a kubelet config, then check what kubelet does with an image:',
    '  docker-credential-ecr-login kubelet-config [--format json] [--env NAME=VALUE] [--public] > config.yaml',
    '  docker-credential-ecr-login doctor --kubelet <image> [--config FILE] [--bin-dir DIR]',
    '',
    `Each command has its own --help. More: ${readmeAddress}`,
    '',
  );
  return lines.join('\n');
}
