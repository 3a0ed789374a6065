import { ConfigError } from '../errors';
import { exactObject, findDuplicateKey, matching, optional, recordOf, ShapeError, string } from '../json-shape';
import { parseRegistry } from '../registry/parse-registry';

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

/**
 * AWS partitions (IAM ARNs use them): commercial, China, GovCloud, the isolated regions and the
 * European Sovereign Cloud — each has ECR registry host names (registry/parse-registry).
 */
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

/**
 * IAM's own limits: role path and name of `[\w+=,.@-]`, a path of `/…/`, 64-character names.
 * The partitions are those of `PARTITIONS`, written out: a literal is what the regular
 * expression check (__tests__/unit/regex-safety.test.ts) can prove linear.
 */
export const ROLE_ARN =
  /^arn:(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** What the AWS SDK's INI reader would find as a section name: no blanks, brackets or comment characters. */
export const PROFILE_NAME = /^[^\s[\]#;]{1,128}$/;

const SETTINGS_SHAPE = exactObject({
  registries: optional(
    recordOf(
      exactObject({
        profile: optional(matching(PROFILE_NAME, 'an AWS profile name (no spaces, brackets, # or ;)'), undefined),
        roleArn: optional(
          matching(ROLE_ARN, `an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/<name> (partition ${PARTITIONS.join(', ')})`),
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
  // 443 is HTTPS's own port: clients send `host:443` and `host` alike, and both reach the
  // registry as `host` (parseServerUrl drops a default port), so the key means `host`.
  return { key, labels, port: port === 443 ? undefined : port, isGlob: host.includes('*') };
}

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

/** The file's text as settings; throws `ConfigError` naming `file`, the field and the problem. */
export function parseSettings(text: string, file: string): Settings {
  const fail = (where: string, problem: string): never => {
    const message = `invalid settings file ${file}: ${where} ${problem}`;
    throw new ConfigError(message, message);
  };
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
  let parsed: ReturnType<typeof SETTINGS_SHAPE>;
  try {
    parsed = SETTINGS_SHAPE(json, '');
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return fail(error.path === '' ? 'the file' : error.path, error.problem);
  }

  /**
   * A key of `registries` (globs allowed) or `aliases` as a pattern; `seen` (canonical host to
   * key) makes each host, as requests reach it, appear once per section.
   */
  const parseSectionKey = (section: 'registries' | 'aliases', key: string, seen: Map<string, string>): HostPattern => {
    const where = `${section}[${JSON.stringify(key)}]`;
    const glob = section === 'registries';
    const pattern = parseHostKey(key, glob);
    if (!pattern) return fail(where, `is not a host name with an optional :port${glob ? ' (`*` may stand for any part of a label)' : ''}`);
    const normal = canonicalHost(pattern);
    const earlier = seen.get(normal);
    if (earlier !== undefined)
      fail(where, `repeats ${section}[${JSON.stringify(earlier)}] (host names ignore letter case; :443 is no port)`);
    seen.set(normal, key);
    return pattern;
  };

  const registries: RegistryRule[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed.registries)) {
    const where = `registries[${JSON.stringify(key)}]`;
    const pattern = parseSectionKey('registries', key, seen);
    if (value.profile === undefined && value.roleArn === undefined) fail(where, 'must have "profile", "roleArn" or both');
    if (value.roleArn === undefined && (value.roleSessionName !== undefined || value.externalId !== undefined)) {
      fail(where, 'has roleSessionName or externalId without roleArn');
    }
    const settings: RegistrySettings = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    registries.push({ pattern, settings });
  }

  const aliases: Alias[] = [];
  const seenAliases = new Map<string, string>();
  for (const [key, target] of Object.entries(parsed.aliases)) {
    const where = `aliases[${JSON.stringify(key)}]`;
    const alias = parseSectionKey('aliases', key, seenAliases);
    // An alias takes its target's entry: an entry of its own would silently never be used.
    const shadowed = seen.get(canonicalHost(alias));
    if (shadowed !== undefined) {
      fail(
        `registries[${JSON.stringify(shadowed)}]`,
        `names the alias ${key}, which takes the entry of the registry it names (${target}): put the profile or role there`,
      );
    }
    if (parseRegistry(key)) fail(where, 'is an Amazon ECR registry host itself: only other host names can be aliases');
    const registry = parseRegistry(target);
    if (Object.keys(parsed.aliases).some((k) => k.toLowerCase() === target.toLowerCase())) {
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
  // A host key (not a glob) that is no ECR registry would never be used: a misspelt account or
  // domain must not leave the registry on the default credential chain without a word.
  for (const { pattern } of registries) {
    const host = pattern.labels.join('.');
    if (!pattern.isGlob && !parseRegistry(host)) {
      fail(
        `registries[${JSON.stringify(pattern.key)}]`,
        'is not an Amazon ECR registry host (<12-digit account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws), so it would never be used; a name in front of one is an alias, which takes the entry of the registry it names',
      );
    }
  }
  return { file, registries, aliases };
}
