import { exactObject, optional, type Shape, ShapeError, string } from '../../json-shape';
import { parseSchemelessUrl } from '../../registry/kubelet-match-image';
import type { ExecEnvVar } from './format-kubelet-config';
import { parseGoDuration } from './parse-go-duration';

/** The group of kubelet's configuration types, and the versions of it that hold CredentialProviderConfig. */
const CONFIG_GROUP = 'kubelet.config.k8s.io';
const CONFIG_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;

/** The CredentialProviderRequest versions kubelet can send a provider (plugin.go `apiVersions`). */
export const PROVIDER_API_VERSIONS = [
  'credentialprovider.kubelet.k8s.io/v1',
  'credentialprovider.kubelet.k8s.io/v1alpha1',
  'credentialprovider.kubelet.k8s.io/v1beta1',
] as const;

/** A provider's service account token settings (config v1 only). */
export interface TokenAttributes {
  readonly serviceAccountTokenAudience: string;
  readonly cacheType: string;
  readonly requireServiceAccount: boolean | undefined;
  readonly requiredServiceAccountAnnotationKeys: readonly string[];
  readonly optionalServiceAccountAnnotationKeys: readonly string[];
}

/** One provider of the config, as kubelet decodes it (absent fields as Go's zero values). */
export interface CredentialProvider {
  readonly name: string;
  readonly matchImages: readonly string[];
  /** As written, and undefined when absent (kubelet refuses that). */
  readonly defaultCacheDuration: string | undefined;
  readonly apiVersion: string;
  readonly args: readonly string[];
  readonly env: readonly ExecEnvVar[];
  readonly tokenAttributes: TokenAttributes | undefined;
}

export interface CredentialProviderConfig {
  /** `kubelet.config.k8s.io/<version>`. */
  readonly apiVersion: string;
  readonly providers: readonly CredentialProvider[];
}

/** What is wrong with a config, in kubelet's terms: the decoding error, or every validation error. */
export class CredentialProviderConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'CredentialProviderConfigError';
  }
}

const list =
  <T>(shape: Shape<T>): Shape<T[]> =>
  (value, path) => {
    if (!Array.isArray(value)) throw new ShapeError(path, 'a list');
    return value.map((item, i) => shape(item, `${path}[${i}]`));
  };

const boolean: Shape<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new ShapeError(path, 'true or false');
  return value;
};

/** A `metav1.Duration`: a string Go's time.ParseDuration reads. */
const duration: Shape<string> = (value, path) => {
  const text = string(value, path);
  if (parseGoDuration(text) === undefined) throw new ShapeError(path, 'a Go duration such as 12h or 10m0s');
  return text;
};

// Go decodes an absent or null field as its zero value; strict decoding refuses unknown fields and wrong types.
const texts = optional(list(string), [] as string[]);
const envShape = exactObject({ name: optional(string, ''), value: optional(string, '') });
const tokenAttributesShape = exactObject({
  serviceAccountTokenAudience: optional(string, ''),
  cacheType: optional(string, ''),
  requireServiceAccount: optional(boolean, undefined),
  requiredServiceAccountAnnotationKeys: texts,
  optionalServiceAccountAnnotationKeys: texts,
});
const providerFields = {
  name: optional(string, ''),
  matchImages: texts,
  defaultCacheDuration: optional(duration, undefined),
  apiVersion: optional(string, ''),
  args: texts,
  env: optional(list(envShape), []),
};
/** The fields of each version (k8s.io/kubelet config/<version>/types.go): tokenAttributes is v1's alone. */
const PROVIDER_SHAPES: Record<
  (typeof CONFIG_VERSIONS)[number],
  Shape<Omit<CredentialProvider, 'tokenAttributes'> & { tokenAttributes?: TokenAttributes | undefined }>
> = {
  v1: exactObject({ ...providerFields, tokenAttributes: optional(tokenAttributesShape, undefined) }),
  v1beta1: exactObject(providerFields),
  v1alpha1: exactObject(providerFields),
};

/**
 * Decodes a parsed CredentialProviderConfig file as kubelet's strict decoder does (kind and
 * group checked, unknown fields and wrong types refused, per version of the config), then
 * validates it as kubelet does before it starts (plugin/config.go
 * validateCredentialProviderConfig). Throws CredentialProviderConfigError with kubelet's reasons.
 */
export function parseCredentialProviderConfig(document: unknown): CredentialProviderConfig {
  const config = decodeCredentialProviderConfig(document);
  const problems = validateCredentialProviderConfig(config.providers);
  if (problems.length > 0) throw new CredentialProviderConfigError(problems);
  return config;
}

/** kubelet's strict decoding of one file (plugin/config.go `decode`); throws CredentialProviderConfigError. */
export function decodeCredentialProviderConfig(document: unknown): CredentialProviderConfig {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new CredentialProviderConfigError(['the file does not hold an object (apiVersion, kind, providers)']);
  }
  const { kind, apiVersion } = document as { kind?: unknown; apiVersion?: unknown };
  if (typeof kind !== 'string' || kind === '') throw new CredentialProviderConfigError(["Object 'Kind' is missing"]);
  if (kind !== 'CredentialProviderConfig')
    throw new CredentialProviderConfigError([`kind is ${JSON.stringify(kind)}, not CredentialProviderConfig`]);
  const version =
    typeof apiVersion === 'string' && apiVersion.startsWith(`${CONFIG_GROUP}/`) ? apiVersion.slice(CONFIG_GROUP.length + 1) : undefined;
  const provider = version === undefined ? undefined : PROVIDER_SHAPES[version as keyof typeof PROVIDER_SHAPES];
  if (provider === undefined || !Object.hasOwn(PROVIDER_SHAPES, version ?? '')) {
    const known = CONFIG_VERSIONS.map((v) => `${CONFIG_GROUP}/${v}`).join(', ');
    throw new CredentialProviderConfigError([`apiVersion ${JSON.stringify(apiVersion ?? null)} is not one kubelet reads (${known})`]);
  }
  try {
    const shape = exactObject({ apiVersion: string, kind: string, providers: optional(list(provider), []) });
    const decoded = shape(document, '');
    return {
      apiVersion: decoded.apiVersion,
      providers: decoded.providers.map((p) => ({ ...p, tokenAttributes: p.tokenAttributes ?? undefined })),
    };
  } catch (error) {
    if (error instanceof ShapeError) throw new CredentialProviderConfigError([`strict decoding error: ${error.message}`]);
    throw error;
  }
}

/**
 * kubelet's validateCredentialProviderConfig of the providers of every file (with the service
 * account token feature on, as since 1.34): what kubelet refuses to start with, one line each.
 */
export function validateCredentialProviderConfig(providers: readonly CredentialProvider[]): string[] {
  const problems: string[] = [];
  if (providers.length === 0) problems.push('providers: at least 1 item in plugins is required');
  const seen = new Set<string>();
  providers.forEach((provider, i) => {
    const at = `providers[${i}]`;
    const { name } = provider;
    if (name.includes('/')) problems.push(`${at}.name: provider name cannot contain '/'`);
    if (name.includes(' ')) problems.push(`${at}.name: provider name cannot contain spaces`);
    if (name === '.' || name === '..') problems.push(`${at}.name: provider name cannot be '${name}'`);
    if (seen.has(name)) problems.push(`${at}.name: duplicate value ${JSON.stringify(name)}`);
    seen.add(name);
    if (provider.apiVersion === '') problems.push(`${at}.apiVersion: Required value`);
    else if (!(PROVIDER_API_VERSIONS as readonly string[]).includes(provider.apiVersion)) {
      problems.push(
        `${at}.apiVersion: Unsupported value ${JSON.stringify(provider.apiVersion)}: supported values: ${PROVIDER_API_VERSIONS.join(', ')}`,
      );
    }
    if (provider.matchImages.length === 0) problems.push(`${at}.matchImages: at least 1 item in matchImages is required`);
    for (const pattern of provider.matchImages) {
      if (parseSchemelessUrl(pattern) === undefined) problems.push(`${at}.matchImages: match image ${JSON.stringify(pattern)} is invalid`);
    }
    const cache = provider.defaultCacheDuration === undefined ? undefined : parseGoDuration(provider.defaultCacheDuration);
    if (cache === undefined) problems.push(`${at}.defaultCacheDuration: Required value`);
    else if (cache < 0n) problems.push(`${at}.defaultCacheDuration: defaultCacheDuration must be greater than or equal to 0`);
    if (provider.tokenAttributes !== undefined) problems.push(...validateTokenAttributes(provider, `${at}.tokenAttributes`));
  });
  return problems;
}

function validateTokenAttributes(provider: CredentialProvider, at: string): string[] {
  const problems: string[] = [];
  const attributes = provider.tokenAttributes;
  if (attributes === undefined) return problems;
  if (attributes.serviceAccountTokenAudience === '') problems.push(`${at}.serviceAccountTokenAudience: Required value`);
  if (attributes.requireServiceAccount === undefined) problems.push(`${at}.requireServiceAccount: Required value`);
  if (provider.apiVersion !== PROVIDER_API_VERSIONS[0])
    problems.push(`${at}: tokenAttributes is only supported for ${PROVIDER_API_VERSIONS[0]} API version`);
  if (attributes.requireServiceAccount === false && attributes.requiredServiceAccountAnnotationKeys.length > 0) {
    problems.push(
      `${at}.requiredServiceAccountAnnotationKeys: requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set`,
    );
  }
  if (attributes.cacheType !== 'Token' && attributes.cacheType !== 'ServiceAccount') {
    problems.push(
      `${at}.cacheType: ${attributes.cacheType === '' ? 'Required value' : `Unsupported value ${JSON.stringify(attributes.cacheType)}`}: supported values: ServiceAccount, Token`,
    );
  }
  return problems;
}
