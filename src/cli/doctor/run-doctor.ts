import type { TokenRequestOptions } from '../../aws/token-source';
import { withDeadline } from '../../aws/with-deadline';
import { formatDockerConfigKey } from '../../registry/format-docker-config-key';
import { kubeletImageName } from '../../registry/kubelet-image-name';
import { parseRegistry } from '../../registry/parse-registry';
import { resolveRegistryCredentials } from '../../resolver/registry-credentials';
import type { Settings } from '../../settings/parse-settings';
import { type RegistryTarget, selectRegistryTarget } from '../../settings/select-registry-settings';
import { resolveDockerConfigFile } from '../client-files';
import { EKS_KUBELET_BIN_DIR, EKS_KUBELET_CONFIG } from '../eks-kubelet-paths';
import type { JsonFileRead } from './check-client-config';
import { type CheckResult, skip } from './check-result';
import { awsCredentials, stsIdentity } from './checks/aws-identity';
import { cacheCheck } from './checks/cache';
import { containersAuth, dockerConfig } from './checks/client-config';
import { ecrToken } from './checks/ecr-token';
import { helperOnPath } from './checks/helper-on-path';
import { keychainCheck } from './checks/keychain';
import { kubeletBinaryCheck } from './checks/kubelet-binary';
import { kubeletConfigCheck } from './checks/kubelet-config';
import { kubeletExecCheck } from './checks/kubelet-exec';
import { kubeletMatchCheck } from './checks/kubelet-match';
import { proxyCheck } from './checks/proxy';
import { registryCheck } from './checks/registry';
import { settingsCheck } from './checks/settings';
import type { CheckOutcome, DoctorCheck, DoctorContext, DoctorDeps, DoctorFacts, KubeletTarget } from './doctor-check';

export interface DoctorOptions {
  /** The registry to check, as a client names it (`host`, `host:port`, `https://host`). */
  readonly host?: string | undefined;
  /**
   * Where to send the registry's `GET /v2/`, instead of `https://<host>`: a registry reached
   * through another address (a tunnel, split DNS, a local stand-in).
   */
  readonly registryUrl?: string | undefined;
  /** doctor --kubelet: the image, and kubelet's config file and bin dir (default: EKS's). */
  readonly kubelet?: { readonly image: string; readonly config?: string | undefined; readonly binDir?: string | undefined } | undefined;
}

/**
 * The checks, in the order of the report: the helper on PATH, the clients' configuration, the
 * settings, AWS credentials, then STS identity and an ECR token at once (different
 * endpoints), the registry's answer to the token, the cache, the keychain, the proxies. Adding
 * a check is adding a row (and its title in check-result.ts).
 */
const CHECKS: readonly (DoctorCheck | readonly DoctorCheck[])[] = [
  helperOnPath,
  dockerConfig,
  containersAuth,
  settingsCheck,
  awsCredentials,
  [stsIdentity, ecrToken],
  registryCheck,
  cacheCheck,
  keychainCheck,
  proxyCheck,
];

/**
 * doctor --kubelet: kubelet's config, the providers it picks for the image, their programs,
 * and a run of each as kubelet runs it.
 */
const KUBELET_CHECKS: readonly DoctorCheck[] = [kubeletConfigCheck, kubeletMatchCheck, kubeletBinaryCheck, kubeletExecCheck];

/** What doctor --kubelet checks: the paths given, else EKS's. */
function kubeletTarget(options: DoctorOptions['kubelet']): KubeletTarget | undefined {
  if (options === undefined) return undefined;
  const image = options.image.trim();
  return {
    image,
    lookupName: kubeletImageName(image),
    configPath: options.config ?? EKS_KUBELET_CONFIG,
    binDir: options.binDir ?? EKS_KUBELET_BIN_DIR,
    configGiven: options.config !== undefined,
    binDirGiven: options.binDir !== undefined,
  };
}

/** The longest any one network check may take, so that the report comes before the command's deadline. */
const CHECK_DEADLINE_MS = 12_000;

/** The deadline of a check passed before it answered. */
class CheckDeadline extends Error {}

/** Works out, once, what the checks read: the host, the settings and the registry they choose, how the token is fetched. */
function prepareContext(options: DoctorOptions, deps: DoctorDeps): DoctorContext {
  const { services } = deps;
  const { config } = services;
  const host = options.host?.trim() || undefined;
  const hostKey = host === undefined ? undefined : formatDockerConfigKey(host);
  // The per-registry settings decide which ECR registry an alias takes its token from, and the
  // profile and role a registry's token is fetched as.
  let settings: DoctorContext['settings'];
  let target: RegistryTarget | undefined;
  try {
    const value: Settings = services.settings();
    settings = { value };
    target = host === undefined ? undefined : selectRegistryTarget(host, value);
  } catch (error) {
    settings = { error };
    // `get` refuses every host until the file is fixed; the checks go on without it.
    const direct = host === undefined ? undefined : parseRegistry(host);
    target = direct && { registry: direct, alias: undefined, settings: undefined, requested: { hostname: direct.host, port: undefined } };
  }
  const registry = target?.registry;
  let credentials: DoctorContext['credentials'];
  try {
    credentials = { value: resolveRegistryCredentials(target?.settings, services) };
  } catch (error) {
    credentials = { error };
  }
  const chosen = 'value' in credentials ? credentials.value.request : {};
  // Doctor writes nothing: an assumed role's credentials are fetched, never cached.
  const request: TokenRequestOptions = chosen.assumeRole
    ? { ...chosen, assumeRole: { ...chosen.assumeRole, cached: (assume) => assume() } }
    : chosen;
  const env = config.clientEnv;
  let docker: { file: string; read: JsonFileRead } | undefined;
  return {
    deps,
    services,
    host,
    hostKey,
    settings,
    target,
    registry,
    region: registry?.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    credentials,
    request,
    diagnostics: deps.createDiagnostics(target?.settings?.profile),
    registryUrl: options.registryUrl ?? (hostKey === undefined ? undefined : `https://${hostKey}`),
    deadlineMs: Math.min(CHECK_DEADLINE_MS, Math.max(2000, Math.floor(config.commandTimeoutMs / 4))),
    kubelet: kubeletTarget(options.kubelet),
    dockerConfig: () => {
      if (docker === undefined) {
        const file = resolveDockerConfigFile(env, config.userHomeDir);
        docker = { file, read: deps.readJsonFile(file) };
      }
      return docker;
    },
  };
}

/**
 * Runs one check: skipped with its reason when a fact it needs is missing; a network check
 * bounded by the check deadline, after which its late answer (and what it learned) is ignored.
 */
async function runCheck(check: DoctorCheck, ctx: DoctorContext, facts: DoctorFacts): Promise<CheckOutcome> {
  if (check.needs && facts[check.needs.fact] === undefined) return { result: skip(check.name, check.needs.why) };
  const { onDeadline } = check;
  if (!onDeadline) return check.run(ctx, facts);
  try {
    return await withDeadline(Promise.resolve(check.run(ctx, facts)), ctx.deadlineMs, () => new CheckDeadline());
  } catch (error) {
    if (error instanceof CheckDeadline) return { result: onDeadline(ctx) };
    throw error;
  }
}

/**
 * Runs every check of `doctor` (the table above, or with `kubelet` the kubelet table), in order; the checks of a group at once.
 * A check that depends on one that failed is skipped and says why. No check writes anything:
 * the token fetched is not cached.
 */
export async function runDoctor(options: DoctorOptions, deps: DoctorDeps): Promise<CheckResult[]> {
  const ctx = prepareContext(options, deps);
  let facts: DoctorFacts = {};
  const results: CheckResult[] = [];
  for (const row of options.kubelet === undefined ? CHECKS : KUBELET_CHECKS) {
    const group: readonly DoctorCheck[] = 'run' in row ? [row] : row;
    const outcomes = await Promise.all(group.map((check) => runCheck(check, ctx, facts)));
    for (const outcome of outcomes) facts = { ...facts, ...outcome.facts };
    group.forEach((check, i) => {
      const result = outcomes[i]?.result;
      if (result) results.push(check.afterGroup ? check.afterGroup(result, facts) : result);
    });
  }
  return results;
}
