import { ConfigError } from '../errors';
import { exactObject, findDuplicateKey, matching, optional, recordOf, ShapeError, string } from '../json-shape';
import { isPublicRegistryHost } from '../registry/is-public-registry-host';
import { parseRegistry } from '../registry/parse-registry';
import { parseServerUrl } from '../registry/parse-server-url';
import { isRoleArn, PARTITIONS, ROLE_ARN_FORM } from './parse-role-arn';

/**
 * The per-registry settings file (`<cacheDir>/config.json`, or `AWS_ECR_CONFIG`), written by
 * people and by `configure`:
 *
 * ```json
 * {
 *   "registries": {
 *     "123456789012.dkr.ecr.us-east-1.amazonaws.com": { "profile": "prod" },
 *     "*.dkr.ecr.eu-west-1.amazonaws.com": { "roleArn": "arn:aws:iam::123456789012:role/puller", "profile": "base" }
 *   },
 *   "aliases": { "registry.example.com": "123456789012.dkr.ecr.us-east-1.amazonaws.com" }
 * }
 * ```
 *
 * Both sections are optional. Keys of `registries` are host names with an optional port, where
 * `*` matches within one DNS label as in kubelet's `matchImages` (see `selectRegistrySettings`
 * for precedence). Every field is checked and unknown fields are errors: a misspelt `rolearn`
 * must not silently fall back to the default identity. An invalid file is one `ConfigError`
 * naming the file, the field (`registries["*.foo"].roleArn`) and the problem.
 */

/** What one registry's tokens are fetched as. */
export interface RegistrySettings {
  /** An AWS profile (the SDK's credential chain with this profile) for the token, or for the role's source credentials. */
  readonly profile?: string;
  /** A role to assume with STS `AssumeRole` (source credentials: `profile`, else the default chain). */
  readonly roleArn?: string;
  /** `RoleSessionName` for `AssumeRole`; default `ecr-login`. */
  readonly roleSessionName?: string;
  /** `ExternalId` for `AssumeRole`, when the role's trust policy asks for one. */
  readonly externalId?: string;
}

/** A `registries` key, parsed: host labels (each a glob where it has `*`) and the port. */
export interface HostPattern {
  /** As written in the file, for messages. */
  readonly key: string;
  /** Lower-case labels. */
  readonly labels: readonly string[];
  readonly port: number | undefined;
  readonly isGlob: boolean;
}

export interface RegistryRule {
  readonly pattern: HostPattern;
  readonly settings: RegistrySettings;
}

/**
 * Another name for an ECR registry: a DNS name of the user's that fronts it (a CNAME, a
 * pull-through proxy). Never an ECR host itself, nor a public registry's host
 * (registry/is-public-registry-host): the alias host is sent the target's token.
 */
export interface Alias {
  /** Lower-case host name of the alias. */
  readonly host: string;
  readonly port: number | undefined;
  /** The ECR registry host (lower case, no port) whose token the alias gets. */
  readonly target: string;
}

export interface Settings {
  /** The file they came from; undefined when there is none. */
  readonly file: string | undefined;
  /** In file order: the order decides between globs. */
  readonly registries: readonly RegistryRule[];
  readonly aliases: readonly Alias[];
}

export const NO_SETTINGS: Settings = { file: undefined, registries: [], aliases: [] };

/** What the AWS SDK's INI reader would find as a section name: no blanks, brackets or comment characters. */
export const PROFILE_NAME = /^[^\s[\]#;]{1,128}$/;

const SETTINGS_SHAPE = exactObject({
  registries: optional(
    recordOf(
      exactObject({
        profile: optional(matching(PROFILE_NAME, 'an AWS profile name (no spaces, brackets, # or ;)'), undefined),
        roleArn: optional(
          matching({ test: isRoleArn }, `an IAM role ARN, ${ROLE_ARN_FORM} (partition ${PARTITIONS.join(', ')})`),
          undefined,
        ),
        roleSessionName: optional(matching(/^[\w+=,.@-]{2,64}$/, '2 to 64 characters of letters, digits and +=,.@_-'), undefined),
        externalId: optional(matching(/^[\w+=,.@:/-]{2,1224}$/, '2 to 1224 characters of letters, digits and +=,.@:/_-'), undefined),
      }),
    ),
    {},
  ),
  aliases: optional(recordOf(string), {}),
});

/**
 * A host name with an optional port, `*` allowed inside labels when `glob`. Undefined when it
 * is not one. Host names are compared in lower case; ports must be 1–65535.
 */
export function parseHostKey(key: string, glob: boolean): HostPattern | undefined {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(key);
  const host = match?.[1]?.toLowerCase();
  if (!match || host === undefined) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const labels = host.split('.');
  const label = glob ? /^[a-z0-9*_-]{1,63}$/ : /^[a-z0-9_-]{1,63}$/;
  if (host.length > 253 || !labels.every((l) => label.test(l))) return undefined;
  // A host is matched only as spelled: a form the URL readers could read as another host (a
  // numeric IPv4 form such as 010.0.0.1 or 127.1, a port with a leading zero) names none.
  if (!host.includes('*')) {
    const read = parseServerUrl(key);
    if (read === undefined || read.hostname !== host || read.written.port !== match[2]) return undefined;
  }
  // 443 is HTTPS's own port: clients send `host:443` and `host` alike, and both reach the
  // registry as `host` (parseServerUrl drops a default port), so the key means `host`.
  return { key, labels, port: port === 443 ? undefined : port, isGlob: host.includes('*') };
}

/** Why an alias for a public registry's host is refused; shared with `configure`'s message. */
export const PUBLIC_ALIAS_PROBLEM =
  "is a public registry's host: an alias gets its ECR registry's token, which docker would then send with every pull from that registry; an alias must be a DNS name of yours that fronts an ECR registry (a CNAME or a pull-through proxy you run)";

/** `… at position 77` (V8's JSON.parse message) with the line and column a person can find. */
function withLineAndColumn(why: string, text: string): string {
  return why.replace(/\bposition (\d+)(?: \(line \d+ column \d+\))?/, (_, at: string) => {
    const before = text.slice(0, Number(at));
    return `line ${before.split('\n').length}, column ${Number(at) - before.lastIndexOf('\n')}`;
  });
}

/** A host key as requests reach it: lower case, `:port` only when not 443. */
function canonicalHost(pattern: HostPattern): string {
  const host = pattern.labels.join('.');
  return pattern.port === undefined ? host : `${host}:${pattern.port}`;
}

/** Throws the `ConfigError` for a problem at `where` (a field, or `the text`) in the settings file. */
type Fail = (where: string, problem: string) => never;

type ParsedSettings = ReturnType<typeof SETTINGS_SHAPE>;

/** The file's text as the shape `SETTINGS_SHAPE` checks; anything else goes to `fail`. */
function parseSettingsShape(text: string, fail: Fail): ParsedSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Notepad and PowerShell 5 write UTF-8 with a byte order mark, which JSON does not allow.
    if (text.startsWith('\uFEFF')) return fail('the text', 'starts with a byte order mark (U+FEFF): save it as UTF-8 without one');
    const why = error instanceof Error ? error.message : String(error);
    return fail('the text', `is not JSON (${withLineAndColumn(why, text)})`);
  }
  // JSON.parse keeps the last of two equal keys without a word: the first would silently do nothing.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) fail(duplicate, 'appears twice in the same object: keep one');
  try {
    return SETTINGS_SHAPE(json, '');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return fail(error.path === '' ? 'the file' : error.path, error.problem);
  }
}

/**
 * A key of `registries` (globs allowed) or `aliases` as a pattern; `seen` (canonical host to
 * key) makes each host, as requests reach it, appear once per section.
 */
function parseSectionKey(section: 'registries' | 'aliases', key: string, seen: Map<string, string>, fail: Fail): HostPattern {
  const where = `${section}[${JSON.stringify(key)}]`;
  const glob = section === 'registries';
  const pattern = parseHostKey(key, glob);
  if (!pattern) {
    return fail(
      where,
      `is not a host name with an optional :port${glob ? ' (`*` may stand for any part of a label)' : ''}, written as every client reads it (IPv4 as a.b.c.d, no leading zero in the port)`,
    );
  }
  const normal = canonicalHost(pattern);
  const earlier = seen.get(normal);
  if (earlier !== undefined) fail(where, `repeats ${section}[${JSON.stringify(earlier)}] (host names ignore letter case; :443 is no port)`);
  seen.set(normal, key);
  return pattern;
}

/** The `registries` section as rules, in file order; `seen` is left holding their canonical hosts. */
function parseRegistryRules(section: ParsedSettings['registries'], seen: Map<string, string>, fail: Fail): RegistryRule[] {
  const registries: RegistryRule[] = [];
  for (const [key, value] of Object.entries(section)) {
    const where = `registries[${JSON.stringify(key)}]`;
    const pattern = parseSectionKey('registries', key, seen, fail);
    if (value.profile === undefined && value.roleArn === undefined) fail(where, 'must have "profile", "roleArn" or both');
    if (value.roleArn === undefined && (value.roleSessionName !== undefined || value.externalId !== undefined)) {
      fail(where, 'has roleSessionName or externalId without roleArn');
    }
    const settings: RegistrySettings = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    registries.push({ pattern, settings });
  }
  return registries;
}

/**
 * The `aliases` section; `registryHosts` (the canonical hosts of `registries`) catches an alias
 * that also has a registry entry of its own.
 */
function parseAliases(section: ParsedSettings['aliases'], registryHosts: ReadonlyMap<string, string>, fail: Fail): Alias[] {
  const aliases: Alias[] = [];
  const seenAliases = new Map<string, string>();
  for (const [key, target] of Object.entries(section)) {
    const where = `aliases[${JSON.stringify(key)}]`;
    const alias = parseSectionKey('aliases', key, seenAliases, fail);
    // An alias takes its target's entry: an entry of its own would silently never be used.
    const shadowed = registryHosts.get(canonicalHost(alias));
    if (shadowed !== undefined) {
      fail(
        `registries[${JSON.stringify(shadowed)}]`,
        `names the alias ${key}, which takes the entry of the registry it names (${target}): put the profile or role there`,
      );
    }
    if (parseRegistry(key)) fail(where, 'is an Amazon ECR registry host itself: only other host names can be aliases');
    // Docker sends an alias's credentials with every pull from the alias host: for docker.io
    // or ghcr.io that would hand the ECR password to Docker Hub or GitHub.
    if (isPublicRegistryHost(key)) fail(where, PUBLIC_ALIAS_PROBLEM);
    const registry = parseRegistry(target);
    if (Object.keys(section).some((k) => k.toLowerCase() === target.toLowerCase())) {
      fail(where, `names another alias (${target}): an alias must name an Amazon ECR registry host`);
    }
    if (!registry || !/^[a-z0-9.-]+$/i.test(target)) {
      fail(
        where,
        `must be an Amazon ECR registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com, not ${JSON.stringify(target)}`,
      );
    }
    const { labels, port } = alias;
    aliases.push({ host: labels.join('.'), port, target: (registry as NonNullable<typeof registry>).host });
  }
  return aliases;
}

/**
 * A host key (not a glob) that is no ECR registry would never be used: a misspelt account or
 * domain must not leave the registry on the default credential chain without a word.
 */
function checkRegistryHosts(registries: readonly RegistryRule[], fail: Fail): void {
  for (const { pattern } of registries) {
    const host = pattern.labels.join('.');
    if (!pattern.isGlob && !parseRegistry(host)) {
      fail(
        `registries[${JSON.stringify(pattern.key)}]`,
        'is not an Amazon ECR registry host (<12-digit account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), so it would never be used; a name in front of one is an alias, which takes the entry of the registry it names',
      );
    }
  }
}

/** The file's text as settings; throws `ConfigError` naming `file`, the field and the problem. */
export function parseSettings(text: string, file: string): Settings {
  const fail: Fail = (where, problem) => {
    const message = `invalid settings file ${file}: ${where} ${problem}`;
    throw new ConfigError(message, message);
  };
  const parsed = parseSettingsShape(text, fail);
  const seen = new Map<string, string>();
  const registries = parseRegistryRules(parsed.registries, seen, fail);
  const aliases = parseAliases(parsed.aliases, seen, fail);
  checkRegistryHosts(registries, fail);
  return { file, registries, aliases };
}
