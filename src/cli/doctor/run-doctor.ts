import type { AwsDiagnostics, CallerIdentity, CredentialSummary } from '../../aws/create-aws-diagnostics';
import type { AuthorizationToken, TokenRequestOptions } from '../../aws/token-source';
import type { ClientEnv } from '../../config';
import { HelperError, KeychainUnavailableError, TokenFetchError } from '../../errors';
import { countKeychainItems } from '../../keychain/split-keychain';
import { redact } from '../../log';
import { formatDockerConfigKey } from '../../registry/format-docker-config-key';
import { isPublicRegistryHost } from '../../registry/is-public-registry-host';
import { parseRegistry, type Registry } from '../../registry/parse-registry';
import { formatEcrEndpoint, formatStsEndpoint } from '../../registry/partitions';
import { type RegistryCredentials, resolveRegistryCredentials } from '../../resolver/registry-credentials';
import { checkPrivateDirectory } from '../../safe-fs';
import type { HelperServices } from '../../services';
import type { Settings } from '../../settings/parse-settings';
import { type RegistryTarget, selectRegistryTarget } from '../../settings/select-registry-settings';
import { resolveContainersAuthFile, resolveDockerConfigFile } from '../configure/client-files';
import { DOCKER_HELPER_PROGRAM, type IsExecutableFile } from '../find-on-path';
import { type AskVersion, formatOtherAnswer, formatShadowFix, identifyHelperOnPath, VERSION_TIMEOUT_MS } from '../helper-on-path';
import { checkContainersAuth, checkDockerConfig, type ReadJsonFile, resolveContainersAuthFiles } from './check-client-config';
import { type CheckResult, fail, ok, skip } from './check-result';
import { formatAttachCommand, formatIamPolicy } from './format-iam-policy';

export interface DoctorOptions {
  /** The registry to check, as a client names it (`host`, `host:port`, `https://host`). */
  readonly host?: string | undefined;
  /**
   * Where to send the registry's `GET /v2/`, instead of `https://<host>`: a registry reached
   * through another address (a tunnel, split DNS, a local stand-in).
   */
  readonly registryUrl?: string | undefined;
}

export interface DoctorDeps {
  readonly services: HelperServices;
  readonly platform: NodeJS.Platform;
  /** The current user's uid (POSIX), for the containers auth file's default place. */
  readonly uid: number | undefined;
  /** This program's version, to recognise it on PATH. */
  readonly version: string;
  /** This program's file, to name its directory when another program shadows it on PATH. */
  readonly programFile?: string | undefined;
  /** Asks the program on PATH its version (helper-on-path.ts). */
  readonly askVersion?: AskVersion;
  /** Tests: which files count as programs (default: the file system's answer). */
  readonly isExecutable?: IsExecutableFile;
  readonly readJsonFile: ReadJsonFile;
  /** The AWS side, for the default chain or, with `profile`, that profile's chain. */
  readonly createDiagnostics: (profile: string | undefined) => AwsDiagnostics;
}

/** The longest any one network check may take, so that the report comes before the command's deadline. */
const CHECK_DEADLINE_MS = 12_000;
/** How long the registry may take to answer one `GET /v2/` (the token source's request timeout). */
const REGISTRY_TIMEOUT_MS = 5000;

function message(error: unknown): string {
  if (error instanceof HelperError) return error.hint ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function fixOf(error: unknown, fallback: string): string {
  const fix = typeof error === 'object' && error !== null ? (error as { fix?: unknown }).fix : undefined;
  return typeof fix === 'string' ? fix : fallback;
}

/** Races `work` against the check's deadline; the deadline resolves to `onTimeout()`. */
async function withDeadline<T>(work: () => Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work(), new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** `11 h 52 min`, `4 min`, `40 s`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** The ECR API endpoint the token source calls for `registry` (or the configured override). */
function ecrEndpoint(registry: Registry | undefined, region: string, services: HelperServices): string {
  const env = services.config.identityEnv;
  if (registry?.kind === 'ecr-public') return env.AWS_ENDPOINT_URL_ECR_PUBLIC ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry);
  return env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL ?? formatEcrEndpoint(registry ?? { region });
}

function stsEndpoint(region: string, services: HelperServices): string {
  const env = services.config.identityEnv;
  return env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? formatStsEndpoint(region);
}

/**
 * Runs every check of `doctor`, in the order of the report: the helper on PATH, the clients'
 * configuration, AWS credentials, STS identity, an ECR token, the registry's answer to it,
 * the cache, the keychain, the proxies. A check that depends on one that failed is skipped
 * and says why. No check writes anything: the token fetched is not cached.
 */
export async function runDoctor(options: DoctorOptions, deps: DoctorDeps): Promise<CheckResult[]> {
  const { services } = deps;
  const { config } = services;
  const env = config.clientEnv;
  const host = options.host?.trim() || undefined;
  const hostKey = host === undefined ? undefined : formatDockerConfigKey(host);
  // The per-registry settings decide which ECR registry an alias takes its token from, and
  // the profile and role a registry's token is fetched as.
  let settingsCheck: CheckResult;
  let target: RegistryTarget | undefined;
  try {
    const settings = services.settings();
    target = host === undefined ? undefined : selectRegistryTarget(host, settings);
    settingsCheck = describeSettings(settings, target, host);
  } catch (error) {
    settingsCheck = fail(
      'settings',
      message(error),
      'fix the file as the message says, or move it away; until then every get for an ECR host fails',
    );
    // `get` refuses every host until the file is fixed; the checks below go on without it.
    const direct = host === undefined ? undefined : parseRegistry(host);
    target = direct && { registry: direct, alias: undefined, settings: undefined };
  }
  const registry = target?.registry;
  const registrySettings = target?.settings;
  const diagnostics = deps.createDiagnostics(registrySettings?.profile);
  // The identity the cache keys tokens by, and how the token is fetched (profile, role).
  let credentialsFor: RegistryCredentials | undefined;
  let identityError: unknown;
  try {
    credentialsFor = resolveRegistryCredentials(registrySettings, services);
  } catch (error) {
    identityError = error;
  }
  const chosen = credentialsFor?.request ?? {};
  // Doctor writes nothing: an assumed role's credentials are fetched, never cached.
  const request: TokenRequestOptions = chosen.assumeRole
    ? { ...chosen, assumeRole: { ...chosen.assumeRole, cached: (assume) => assume() } }
    : chosen;
  const region = registry?.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1');
  const deadlineMs = Math.min(CHECK_DEADLINE_MS, Math.max(2000, Math.floor(config.commandTimeoutMs / 4)));
  const results: CheckResult[] = [];

  // 1. The program docker will run.
  results.push(checkHelperOnPath(deps, env, Math.min(VERSION_TIMEOUT_MS, deadlineMs)));

  // 2. The clients' configuration.
  if (host !== undefined && hostKey === undefined) {
    results.push(
      fail(
        'docker-config',
        `${JSON.stringify(host)} is not a registry host name`,
        'give a host such as 123456789012.dkr.ecr.us-west-2.amazonaws.com',
      ),
    );
    results.push(skip('containers-auth', 'no valid registry given'));
  } else {
    const dockerFile = resolveDockerConfigFile(env, config.userHomeDir);
    const dockerRead = deps.readJsonFile(dockerFile);
    results.push(checkDockerConfig(dockerFile, dockerRead, hostKey));
    let primary: string | undefined;
    try {
      primary = resolveContainersAuthFile(env, config.userHomeDir, deps.platform, deps.uid);
    } catch {
      // XDG_RUNTIME_DIR names no directory: podman/skopeo have no primary auth file either.
    }
    // The docker config is the containers tools' last auth file too: read once, judged by both checks as the same text.
    const readJsonFile = (file: string) => (file === dockerFile ? dockerRead : deps.readJsonFile(file));
    results.push(checkContainersAuth(resolveContainersAuthFiles(env, config.userHomeDir, primary), readJsonFile, hostKey));
  }
  results.push(settingsCheck);

  // 3. AWS credentials.
  let credentials: CredentialSummary | undefined;
  results.push(
    await withDeadline<CheckResult>(
      async () => {
        try {
          credentials = await diagnostics.resolveCredentials();
          const profile = credentials.profile === undefined ? '' : `, profile ${credentials.profile}`;
          const expiry = credentials.expiresAt ? `, temporary, valid until ${credentials.expiresAt.toISOString()}` : '';
          return ok('aws-credentials', `from ${credentials.source}${profile}; access key id …${credentials.keyIdEnd}${expiry}`);
        } catch (error) {
          return fail(
            'aws-credentials',
            message(error),
            fixOf(error, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run where an IAM role is attached'),
          );
        }
      },
      deadlineMs,
      () =>
        fail(
          'aws-credentials',
          `the AWS credential chain gave no credentials within ${deadlineMs / 1000} s`,
          'check the credentials endpoint or credential_process of your profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID',
        ),
    ),
  );
  // A late answer after the deadline must not count.
  if (results[results.length - 1]?.status !== 'OK') credentials = undefined;

  // 4 and 5 (at once: different endpoints): who we are, and whether ECR gives us a token.
  let identity: CallerIdentity | undefined;
  let token: AuthorizationToken | undefined;
  let accessDenied = false;
  let refused: string | undefined;
  if (!credentials) {
    results.push(skip('sts-identity', 'no AWS credentials (see aws-credentials)'));
    results.push(skip('ecr-token', 'no AWS credentials (see aws-credentials)'));
  } else {
    const stsCheck = withDeadline<CheckResult>(
      async () => {
        try {
          identity = await diagnostics.getCallerIdentity(region);
          return ok('sts-identity', `${identity.arn} (account ${identity.account}, STS in ${region})`);
        } catch (error) {
          return fail('sts-identity', message(error), fixOf(error, 'see the log for details'));
        }
      },
      deadlineMs,
      () =>
        fail(
          'sts-identity',
          `AWS STS (${redact(stsEndpoint(region, services))}) did not answer within ${deadlineMs / 1000} s`,
          'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_STS',
        ),
    );
    const ecrCheck = async (): Promise<CheckResult> => {
      if (host === undefined) return skip('ecr-token', 'no registry given');
      if (registry === undefined) {
        const name = hostKey ?? host;
        // Never an alias for a public registry: docker would send it the ECR token with every pull (configure refuses it).
        const fix = isPublicRegistryHost(name)
          ? `this helper routes Amazon ECR registries, whose tokens come from AWS; ${name} is a public registry: use docker login or its own credential helper for it`
          : `use the registry host as ECR names it (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), or, if ${name} is a DNS name of yours that fronts one, make it an alias: docker-credential-ecr-login configure --alias ${name}=<registry host>`;
        return fail(
          'ecr-token',
          `${host} is not an Amazon ECR registry host, nor an alias of one, so the helper answers "credentials not found" for it`,
          fix,
        );
      }
      const source = await services.loadTokenSource();
      return withDeadline<CheckResult>(
        async () => {
          try {
            token = await source.getAuthorizationToken(registry, request);
            const until = token.expiresAt ? `, valid until ${token.expiresAt.toISOString()}` : '';
            const as = request.assumeRole ? ` as ${request.assumeRole.roleArn}` : '';
            return ok(
              'ecr-token',
              `${registry.kind === 'ecr-public' ? 'ecr-public' : 'ecr'}:GetAuthorizationToken in ${registry.region}${as} gave a token${until}`,
            );
          } catch (error) {
            accessDenied = error instanceof TokenFetchError && error.reason === 'access-denied';
            if (error instanceof TokenFetchError) refused = error.principal;
            return ecrFailure(error, registry);
          }
        },
        deadlineMs,
        () =>
          fail(
            'ecr-token',
            `the ECR API (${redact(ecrEndpoint(registry, region, services))}) did not answer within ${deadlineMs / 1000} s`,
            'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_ECR',
          ),
      );
    };
    const [sts, ecr] = await Promise.all([stsCheck, ecrCheck()]);
    results.push(sts);
    // Who ECR refused (an assumed role, with a role per registry), else who STS says we are.
    results.push(accessDenied ? withAttachCommand(ecr, refused ?? identity?.arn) : ecr);
  }

  // 6. The registry, with the token.
  const registryUrl = options.registryUrl ?? (hostKey === undefined ? undefined : `https://${hostKey}`);
  if (host === undefined || registryUrl === undefined) results.push(skip('registry', 'no registry given'));
  else if (!token) results.push(skip('registry', 'no ECR token to try (see ecr-token)'));
  else {
    // One deadline for the whole exchange (up to four requests with a Bearer token service), as for every network check.
    const probe = new URL('/v2/', registryUrl).href;
    const got = token;
    results.push(
      await withDeadline<CheckResult>(
        () => checkRegistry(registryUrl, got, diagnostics, registry, Math.min(REGISTRY_TIMEOUT_MS, deadlineMs)),
        deadlineMs,
        () =>
          fail(
            'registry',
            `GET ${redact(probe)} (and its token service, if it has one) did not answer within ${deadlineMs / 1000} s`,
            'check the network and the proxy (HTTPS_PROXY, NO_PROXY) between here and the registry, or give its address with --registry-url',
          ),
      ),
    );
  }

  // 7. The cache and the keychain.
  results.push(
    await checkCache(services, registry, () => {
      if (!credentialsFor) throw identityError;
      return credentialsFor.identity;
    }),
  );
  results.push(await checkKeychain(services, deps.platform, results));

  // 8. Proxies.
  results.push(await checkProxy(services, diagnostics, registry, region, registryUrl));
  return results;
}

/**
 * The program on PATH under the helper's name, asked its version (within a check's deadline:
 * a program that never answers must not hold up the report): this helper, of this version or
 * another, is OK; anything else is another program, which docker would run instead.
 */
function checkHelperOnPath(deps: DoctorDeps, env: ClientEnv, timeoutMs: number): CheckResult {
  const name = 'helper-on-path';
  const found = identifyHelperOnPath(env, deps.platform, deps.askVersion, timeoutMs, deps.isExecutable);
  switch (found.status) {
    case 'missing':
      return fail(
        name,
        `${DOCKER_HELPER_PROGRAM} is not on PATH, so docker, podman and skopeo cannot run it`,
        `put the directory that holds ${DOCKER_HELPER_PROGRAM} on PATH, or link it into one (e.g. /usr/local/bin)`,
      );
    case 'unknown':
      return ok(name, found.file);
    case 'this':
      return ok(
        name,
        found.version === deps.version
          ? `${found.file} (${deps.version}, this version)`
          : `${found.file} (${found.version}; this one is ${deps.version})`,
      );
    case 'other':
      return fail(
        name,
        `${found.file} is another program: ${formatOtherAnswer(found.answer)}, so docker runs that one`,
        formatShadowFix(found.file, deps.programFile, deps.platform),
      );
  }
}

/** What the settings file says about the registry: its profile, role, or the registry an alias stands for. */
function describeSettings(settings: Settings, target: RegistryTarget | undefined, host: string | undefined): CheckResult {
  const name = 'settings';
  if (settings.file === undefined) return skip(name, 'no per-registry settings file: the default AWS credential chain for every registry');
  if (host === undefined) {
    return ok(
      name,
      `${settings.file}: ${settings.registries.length} registry ${settings.registries.length === 1 ? 'entry' : 'entries'}, ${settings.aliases.length} ${settings.aliases.length === 1 ? 'alias' : 'aliases'}`,
    );
  }
  if (!target) return ok(name, `${settings.file}: no entry for ${host}`);
  const parts: string[] = [];
  if (target.alias) parts.push(`${host} is an alias of ${target.registry.host}`);
  const chosen = target.settings;
  if (chosen?.profile !== undefined) parts.push(`profile ${chosen.profile}`);
  if (chosen?.roleArn !== undefined) parts.push(`role ${chosen.roleArn}`);
  if (!chosen) parts.push('no profile or role: the default AWS credential chain');
  return ok(name, `${settings.file}: ${parts.join('; ')}`);
}

/** Why ECR gave no token, and for access denied, the policy to add. */
function ecrFailure(error: unknown, registry: Registry): CheckResult {
  const detail = message(error);
  if (error instanceof TokenFetchError) {
    switch (error.reason) {
      case 'access-denied':
        return fail('ecr-token', detail, formatIamPolicy(registry));
      case 'no-credentials':
        return fail('ecr-token', detail, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run where an IAM role is attached');
      case 'network':
        return fail('ecr-token', detail, 'check the network, the proxy (HTTPS_PROXY, NO_PROXY) or AWS_ENDPOINT_URL_ECR');
      case 'assume-role-failed':
        return fail(
          'ecr-token',
          detail,
          "check the role's trust policy: it must allow sts:AssumeRole by the identity shown under sts-identity",
        );
      default:
        return fail('ecr-token', detail, 'see the line above, and the log for details');
    }
  }
  return fail('ecr-token', detail, 'see the log for details');
}

/** The policy fix, introduced: whom to give it to, and the command that does it. */
function withAttachCommand(check: CheckResult, principal: string | undefined): CheckResult {
  const command = principal === undefined ? undefined : formatAttachCommand(principal);
  const who = principal ?? 'the principal';
  const fix = `allow ${who} to get tokens and pull, with this IAM policy (ecr-pull.json):\n${check.fix ?? ''}${command ? `\nfor example: ${command}\n(or attach the managed policy AmazonEC2ContainerRegistryReadOnly)` : ''}`;
  return { ...check, fix };
}

const isWordChar = (c: string): boolean => /\w/.test(c);

/**
 * The parameters of a `WWW-Authenticate` challenge (`Bearer realm="…",service="…"`): each
 * `key="value"`. Scanned by hand: the registry is a network peer, and `(\w+)="([^"]*)"`
 * rescans a long word from each of its characters.
 */
export function parseChallenge(challenge: string): { scheme: string; params: Record<string, string> } {
  const scheme = /^\s*(\S+)/.exec(challenge)?.[1]?.toLowerCase() ?? '';
  const params: Record<string, string> = {};
  let from = 0;
  for (let equals = challenge.indexOf('="'); equals >= 0; equals = challenge.indexOf('="', from)) {
    const close = challenge.indexOf('"', equals + 2);
    // No closing quote: no later `="` has one either.
    if (close < 0) break;
    let start = equals;
    while (start > from && isWordChar(challenge.charAt(start - 1))) start--;
    if (start === equals) {
      from = equals + 1;
      continue;
    }
    params[challenge.slice(start, equals).toLowerCase()] = challenge.slice(equals + 2, close);
    from = close + 1;
  }
  return { scheme, params };
}

/**
 * The registry's `GET /v2/` without credentials (a registry answers 401) and with the token,
 * as a client sends it: Basic auth, which ECR's private registries take directly; a registry
 * that challenges with `Bearer` (ECR Public) first gets the token at its token service, in
 * exchange for a bearer token, as docker does.
 */
async function checkRegistry(
  url: string,
  token: AuthorizationToken,
  diagnostics: AwsDiagnostics,
  registry: Registry | undefined,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = 'registry';
  const target = new URL('/v2/', url).href;
  // A URL given with a user and password (--registry-url) is shown without them.
  const shown = redact(target);
  try {
    const anonymous = await diagnostics.httpGet(target, undefined, timeoutMs);
    const basic = `Basic ${Buffer.from(`${token.username}:${token.password}`).toString('base64')}`;
    let authorized = await diagnostics.httpGet(target, basic, timeoutMs);
    let how = 'with the token';
    const challenge = parseChallenge(authorized.challenge ?? anonymous.challenge ?? '');
    const realm = challenge.params.realm;
    if (authorized.status === 401 && challenge.scheme === 'bearer' && realm !== undefined) {
      const service = new URL(realm, target);
      if (challenge.params.service !== undefined) service.searchParams.set('service', challenge.params.service);
      const exchange = await diagnostics.httpGet(service.href, basic, timeoutMs);
      let bearer: unknown;
      try {
        const answer: unknown = JSON.parse(exchange.body);
        bearer =
          typeof answer === 'object' && answer !== null
            ? ((answer as Record<string, unknown>).token ?? (answer as Record<string, unknown>).access_token)
            : undefined;
      } catch {
        bearer = undefined;
      }
      if (exchange.status !== 200 || typeof bearer !== 'string') {
        return fail(
          name,
          `GET ${shown}: ${anonymous.status} without credentials; its token service ${service.origin}${service.pathname} answered ${exchange.status} to the token${exchange.status === 200 ? ' without a bearer token' : ''}`,
          'check that this address is the registry the token is for, and that the clock is right',
        );
      }
      authorized = await diagnostics.httpGet(target, `Bearer ${bearer}`, timeoutMs);
      how = "with the token (through the registry's token service)";
    }
    const answers = `${anonymous.status} without credentials, ${authorized.status} ${how}`;
    if (authorized.status === 200) return ok(name, `GET ${shown}: ${answers}`);
    if (authorized.status === 401 || authorized.status === 403) {
      const whose = registry?.kind === 'ecr' ? ` (a token for account ${registry.registryId} in ${registry.region})` : '';
      return fail(
        name,
        `GET ${shown}: ${answers}: the registry refused the token${whose}`,
        'check that this address is the registry the token is for (a proxy or alias in front of another registry needs its own entry), and that the clock is right',
      );
    }
    return fail(
      name,
      `GET ${shown}: ${answers}, not 200: this is not a registry answering as ECR does`,
      'check the host name (and --registry-url)',
    );
  } catch (error) {
    return fail(name, message(error), fixOf(error, 'check the network'));
  }
}

async function checkCache(services: HelperServices, registry: Registry | undefined, identityOf: () => string): Promise<CheckResult> {
  const name = 'cache';
  const { config } = services;
  if (config.cacheDisabled) return skip(name, 'AWS_ECR_DISABLE_CACHE is set: every get asks ECR');
  if (config.cacheDir === undefined) {
    return fail(name, 'no cache: the home directory is not an absolute path', 'set HOME, or AWS_ECR_CACHE_DIR to an absolute path');
  }
  let where: string;
  try {
    const exists = checkPrivateDirectory(config.cacheDir);
    where = `${config.cacheDir}${exists ? '' : ' (created on the first get)'}`;
  } catch (error) {
    return fail(
      name,
      `${config.cacheDir} cannot be used: ${message(error)}`,
      'make it a directory of yours that nobody else can write (chmod 700), or set AWS_ECR_CACHE_DIR',
    );
  }
  const backend = config.cacheBackend === 'keychain' ? 'keychain backend' : 'file backend';
  if (config.cacheBackend === 'keychain') {
    // The keychain store treats an unusable keychain as empty (a get goes on without a cache): say so here.
    try {
      await services.credentials.list();
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      return fail(
        name,
        `${where}, keychain backend: nothing is cached, as the keychain is not usable (see keychain)`,
        'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file',
      );
    }
  }
  try {
    const identity = identityOf();
    if (registry !== undefined) {
      const cached = await services.store.get(registry.host, identity);
      const left = cached ? cached.expiresAt - services.now() : 0;
      return ok(
        name,
        `${where}, ${backend}; ${cached && left > 0 ? `a token for ${registry.host} and this identity, ${formatDuration(left)} left` : `no cached token for ${registry.host} and this identity`}`,
      );
    }
    const tokens = await services.store.list(identity);
    return ok(
      name,
      `${where}, ${backend}; ${tokens.length} cached ${tokens.length === 1 ? 'token' : 'tokens'} for this identity${tokens.length > 0 ? `: ${tokens.map((t) => `${t.host} (${formatDuration(t.expiresAt - services.now())} left)`).join(', ')}` : ''}`,
    );
  } catch (error) {
    return fail(name, message(error), fixOf(error, 'see the line above'));
  }
}

const KEYCHAIN_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS Keychain', win32: 'Windows Credential Manager' };

/**
 * The largest token item the keychain cache writes: ECR passwords run from ~1.8 to ~2.9 K
 * characters, and the cached JSON around one adds ~140.
 */
const LARGEST_TOKEN_ITEM = `${'x'.repeat(2900)}${' '.repeat(140)}`;

/** Whether a token fits one keychain item here, or how it is split (split-keychain.ts). */
function formatTokenFit(maxItemBytes: number | undefined): string {
  if (maxItemBytes === undefined) return 'holds a token in one item (no size limit here)';
  const items = countKeychainItems(LARGEST_TOKEN_ITEM, maxItemBytes);
  if (items === 1) return `holds a token in one item (at most ${maxItemBytes} bytes each here)`;
  return `a token is split into ${items - 1} parts and a header of at most ${maxItemBytes} bytes each here`;
}

async function checkKeychain(services: HelperServices, platform: NodeJS.Platform, earlier: readonly CheckResult[]): Promise<CheckResult> {
  const name = 'keychain';
  const kind = KEYCHAIN_NAMES[platform] ?? 'Secret Service (D-Bus)';
  const needed =
    services.config.cacheBackend === 'keychain'
      ? 'AWS_ECR_CACHE_BACKEND=keychain keeps tokens there'
      : earlier.some((c) => c.name === 'docker-config' && /credsStore sends every registry/.test(c.detail))
        ? 'credsStore keeps other registries’ logins there'
        : undefined;
  try {
    const stored = (await services.credentials.list()).size;
    return ok(
      name,
      `${kind} usable; ${stored} stored ${stored === 1 ? 'login' : 'logins'} for registries that are not ECR${needed ? ` (${needed})` : ''}; ${formatTokenFit(services.keychainItemBytes)}`,
    );
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) return fail(name, message(error), 'see the log for details');
    if (needed)
      return fail(
        name,
        message(error),
        services.config.cacheBackend === 'keychain'
          ? 'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file'
          : 'make the keychain usable, or use credHelpers entries for the ECR registries instead of credsStore',
      );
    return skip(name, `${kind} not usable (${message(error)}); not needed: tokens are cached in a file and credsStore is not ecr-login`);
  }
}

/** The variables a proxy comes from; each lower case first, as proxy-from-env reads them. */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;

/** Which variable set `proxy`, for the report. */
function proxyVariable(services: HelperServices, proxy: string): string {
  const env = services.config.clientEnv;
  return PROXY_VARIABLES.find((n) => env[n] === proxy) ?? 'the environment';
}

async function checkProxy(
  services: HelperServices,
  diagnostics: AwsDiagnostics,
  registry: Registry | undefined,
  region: string,
  registryUrl: string | undefined,
): Promise<CheckResult> {
  const name = 'proxy';
  const env = services.config.clientEnv;
  const noProxy = env.no_proxy ?? env.NO_PROXY;
  const endpoints = [
    ...new Set([ecrEndpoint(registry, region, services), stsEndpoint(region, services), ...(registryUrl ? [registryUrl] : [])]),
  ];
  const lines: string[] = [];
  let bad: string | undefined;
  for (const endpoint of endpoints) {
    let proxy: string | undefined;
    try {
      proxy = await diagnostics.proxyFor(endpoint);
    } catch (error) {
      bad = message(error);
      continue;
    }
    const origin = new URL(endpoint).host;
    if (proxy === undefined) lines.push(`${origin}: direct${noProxy ? ` (NO_PROXY=${noProxy})` : ''}`);
    else {
      try {
        new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
      } catch {
        bad = `${proxyVariable(services, proxy)}=${redact(proxy)} is not a URL`;
      }
      lines.push(`${origin}: through ${redact(proxy)} (${proxyVariable(services, proxy)})`);
    }
  }
  if (bad) return fail(name, `${bad}\n${lines.join('\n')}`, 'set HTTPS_PROXY to a URL such as http://proxy.example:3128');
  const anySet = PROXY_VARIABLES.some((n) => env[n]);
  return ok(
    name,
    anySet
      ? lines.join('\n')
      : `no proxy set (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY): ${endpoints.map((e) => new URL(e).host).join(', ')} direct`,
  );
}
