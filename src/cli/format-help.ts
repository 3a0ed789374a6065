import type { Config } from '../config';
import { formatCacheFilePath } from '../store/file-store';
import { resolveDockerConfigFile } from './configure/client-files';

/** The settings the helper reads, as `--help` lists them (README, "Environment variables"). */
const ENVIRONMENT: readonly [name: string, effect: string][] = [
  ['AWS_ECR_CACHE_DIR', 'cache directory (default ~/.ecr): tokens, log, locks, settings'],
  ['AWS_ECR_DISABLE_CACHE', 'any non-empty value: no token cache, every get asks ECR'],
  ['AWS_ECR_CACHE_BACKEND', 'file (default) or keychain: where tokens are cached'],
  ['AWS_ECR_IGNORE_CREDS_STORAGE', 'true: store/erase succeed as no-ops for every registry'],
  ['AWS_ECR_COMMAND_TIMEOUT', 'seconds a command may take in all (default 50)'],
  ['AWS_ECR_LOG_LEVEL', 'debug, info (default), warn, error or off, for the log file'],
  ['AWS_ECR_CONFIG', 'the per-registry settings file (profile, role, aliases)'],
  ['AWS_ECR_ROLE_ARN', "kubelet: the role for pods' service account tokens without an annotation"],
  ['AWS_PROFILE, AWS_ACCESS_KEY_ID, …', "the AWS SDK's credential settings"],
  ['AWS_ENDPOINT_URL_ECR, _ECR_PUBLIC, _STS', 'custom AWS API endpoints'],
  ['HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY', 'proxies for the AWS calls'],
  ['DOCKER_CONFIG, REGISTRY_AUTH_FILE', 'the client files configure edits and doctor reads'],
  ['NO_COLOR, FORCE_COLOR', "doctor's colours (only on a terminal unless forced)"],
];

/**
 * The end of `--help`: the environment variables, the files as they resolve for this user and
 * environment, how to configure and diagnose, and where the documentation is.
 */
export function formatHelpFooter(config: Config, readmeAddress: string): string {
  const width = Math.max(...ENVIRONMENT.map(([name]) => name.length));
  const lines = ['', 'Environment:', ...ENVIRONMENT.map(([name, effect]) => `  ${name.padEnd(width)}  ${effect}`)];
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
    ['docker config', resolveDockerConfigFile(config.clientEnv, config.homeDir)],
  ];
  const fileWidth = Math.max(...files.map(([name]) => name.length));
  lines.push('', 'Files (for this user and environment):', ...files.map(([name, path]) => `  ${name.padEnd(fileWidth)}  ${path}`));
  lines.push(
    '',
    'Configure docker (and podman/skopeo) for a registry:',
    '  docker-credential-ecr-login configure --registry <account>.dkr.ecr.<region>.amazonaws.com',
    '  which adds to ~/.docker/config.json: {"credHelpers": {"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"}}',
    'When a pull fails (no basic auth credentials, 401 Unauthorized):',
    '  docker-credential-ecr-login doctor <registry host>',
    '',
    `Each command has its own --help. More: ${readmeAddress}`,
    '',
  );
  return lines.join('\n');
}
