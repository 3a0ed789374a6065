import { ECR_PUBLIC_HOSTS } from '../../registry/parse-registry';

/**
 * EKS's matchImages for its ECR credential provider: every ECR partition and endpoint style.
 * kubelet matches each dot-separated part of the image's host as a glob, with the same number
 * of parts (docs/peers.md §4).
 */
export const EKS_MATCH_IMAGES = [
  '*.dkr.ecr.*.amazonaws.com',
  '*.dkr-ecr.*.on.aws',
  '*.dkr.ecr.*.amazonaws.com.cn',
  '*.dkr-ecr.*.on.amazonwebservices.com.cn',
  '*.dkr.ecr-fips.*.amazonaws.com',
  '*.dkr-ecr-fips.*.on.aws',
  '*.dkr.ecr.*.c2s.ic.gov',
  '*.dkr.ecr.*.sc2s.sgov.gov',
  '*.dkr.ecr.*.cloud.adc-e.uk',
  '*.dkr.ecr.*.csp.hci.ic.gov',
  '*.dkr.ecr.*.amazonaws.eu',
] as const;

/**
 * ECR Public's registry hosts, which `--public` adds (anonymous pulls work; credentials raise
 * the rate limits): `public.ecr.aws` and the dual-stack `ecr-public.aws.com`, as EKS's nodeadm
 * adds both (awslabs/amazon-eks-ami nodeadm/internal/kubelet/image-credential-provider.go).
 */
export const PUBLIC_MATCH_IMAGES: readonly string[] = ECR_PUBLIC_HOSTS;

/** kubelet's cache time for a response without `cacheDuration` (ours always has one): an ECR token's 12 hours. */
export const DEFAULT_CACHE_DURATION = '12h';

/**
 * A provider name kubelet accepts (its validation refuses empty names, `/`, spaces, `.` and
 * `..`), kept to characters a file name needs no quoting for.
 */
export function isProviderName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

/** An environment variable name as POSIX defines a portable one (and a shell can set). */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** One `env` entry of a provider (`ExecEnvVar`: kubelet appends `NAME=value` to its own environment). */
export interface ExecEnvVar {
  readonly name: string;
  readonly value: string;
}

export interface KubeletConfigOptions {
  /** The provider's name: the executable's file name in `--image-credential-provider-bin-dir`. */
  readonly name: string;
  /** Add `tokenAttributes` so kubelet sends the pod's service account token (service-account mode). */
  readonly serviceAccount: boolean;
  /**
   * Alias hosts (`host[:port]`) of the settings file: kubelet must send their images too. The
   * port is the one the provider answers `auth` with for `host:port/app`; kubelet compares ports
   * exactly, so `host` (an alias without a port, or with 443) matches `host/app`, not `host:443/app`.
   */
  readonly aliases?: readonly string[];
  /** Add ECR Public's hosts (`public.ecr.aws`, `ecr-public.aws.com`) to matchImages. */
  readonly public?: boolean;
  /** The provider's `env` entries, in order (names checked by the caller: `isEnvName`, no repeats). */
  readonly env?: readonly ExecEnvVar[];
  /** `defaultCacheDuration`, a Go duration (checked by the caller: parse-go-duration.ts); default `12h`. */
  readonly cacheDuration?: string;
  /** YAML (the default) or JSON, as EKS keeps it; kubelet reads both. */
  readonly format?: 'yaml' | 'json';
}

type ConfigValue = string | boolean | readonly ConfigValue[] | { readonly [key: string]: ConfigValue };

/**
 * The CredentialProviderConfig as data, its fields in the order of the k8s.io/kubelet
 * config/v1 types (CredentialProvider: name, matchImages, defaultCacheDuration, apiVersion,
 * args, env, tokenAttributes). With `serviceAccount`, the `tokenAttributes` block: the token's
 * audience is STS's, credentials are the same for every pod of a service account
 * (`cacheType: ServiceAccount`: kubelet 1.34 added the field and requires it, 1.33's strict
 * decoder refuses it, so this block is for 1.34 and later), pods without a service account (static pods) still get the
 * node's credentials, and the role annotation is passed on.
 */
function buildKubeletConfig(options: KubeletConfigOptions): { readonly [key: string]: ConfigValue } {
  const provider: Record<string, ConfigValue> = {
    name: options.name,
    matchImages: [...EKS_MATCH_IMAGES, ...(options.public ? PUBLIC_MATCH_IMAGES : []), ...(options.aliases ?? [])],
    defaultCacheDuration: options.cacheDuration ?? DEFAULT_CACHE_DURATION,
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    args: ['get-credentials'],
  };
  if (options.env !== undefined && options.env.length > 0) {
    provider.env = options.env.map(({ name, value }) => ({ name, value }));
  }
  if (options.serviceAccount) {
    provider.tokenAttributes = {
      serviceAccountTokenAudience: 'sts.amazonaws.com',
      cacheType: 'ServiceAccount',
      requireServiceAccount: false,
      optionalServiceAccountAnnotationKeys: ['eks.amazonaws.com/ecr-role-arn'],
    };
  }
  return { apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers: [provider] };
}

/**
 * A string as a YAML double-quoted scalar that every YAML reader takes as that string:
 * printable ASCII as it is, `"` and `\` escaped, everything else as `\uXXXX` or `\UXXXXXXXX`.
 * Always quoted: kubelet's YAML reader (YAML 1.1) would take a bare `on`, `no` or `0x1F` as a
 * boolean or number, and its strict decoding then refuses the file. `text` must be
 * well-formed UTF-16 (no lone surrogates): the caller checks.
 */
export function quoteYamlString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Block-style YAML of `value` at `indent`: maps as `key: value`, lists as `- item`, strings quoted. */
function formatYaml(value: ConfigValue, indent: string): string[] {
  if (typeof value === 'string' || typeof value === 'boolean') return [`${indent}${formatScalar(value)}`];
  if (isList(value)) return value.flatMap((item) => formatYamlItem(item, indent));
  return Object.entries(value).flatMap(([key, item]) =>
    typeof item === 'object' ? [`${indent}${key}:`, ...formatYaml(item, `${indent}  `)] : [`${indent}${key}: ${formatScalar(item)}`],
  );
}

/** One list item: `- scalar`, or `- ` before the first line of a map (the rest indented under it). */
function formatYamlItem(item: ConfigValue, indent: string): string[] {
  if (typeof item !== 'object') return [`${indent}- ${formatScalar(item)}`];
  const [first = '', ...rest] = formatYaml(item, `${indent}  `);
  return [`${indent}- ${first.trimStart()}`, ...rest];
}

function formatScalar(value: string | boolean): string {
  return typeof value === 'boolean' ? String(value) : quoteYamlString(value);
}

function isList(value: ConfigValue): value is readonly ConfigValue[] {
  return Array.isArray(value);
}

/**
 * A ready CredentialProviderConfig (`kubelet.config.k8s.io/v1`, k8s.io/kubelet config/v1
 * types.go) for `--image-credential-provider-config`, as YAML (every string quoted) or JSON:
 * EKS's matchImages, ECR Public's two hosts with `public`, then the settings file's alias hosts; the
 * `env` entries; `defaultCacheDuration` (12h unless given).
 */
export function formatKubeletConfig(options: KubeletConfigOptions): string {
  const config = buildKubeletConfig(options);
  if (options.format === 'json') return `${JSON.stringify(config, null, 2)}\n`;
  return `${formatYaml(config, '').join('\n')}\n`;
}
