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
  '*.dkr.ecr.*.amazonaws.eu',
] as const;

/**
 * A provider name kubelet accepts (its validation refuses empty names, `/`, spaces, `.` and
 * `..`), kept to characters that need no quoting in YAML.
 */
export function isProviderName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
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
}

/**
 * A ready CredentialProviderConfig (`kubelet.config.k8s.io/v1`, k8s.io/kubelet config/v1
 * types.go) for `--image-credential-provider-config`, as YAML: EKS's matchImages, then the
 * settings file's alias hosts (host names and ports only, so nothing needs YAML quoting). With `serviceAccount`, the
 * `tokenAttributes` block: the token's audience is STS's, credentials are the same for every
 * pod of a service account (`cacheType: ServiceAccount`), pods without a service account
 * (static pods) still get the node's credentials, and the role annotation is passed on.
 */
export function formatKubeletConfig(options: KubeletConfigOptions): string {
  const lines = [
    'apiVersion: kubelet.config.k8s.io/v1',
    'kind: CredentialProviderConfig',
    'providers:',
    `  - name: ${options.name}`,
    '    matchImages:',
    ...[...EKS_MATCH_IMAGES, ...(options.aliases ?? [])].map((pattern) => `      - "${pattern}"`),
    '    defaultCacheDuration: "12h"',
    '    apiVersion: credentialprovider.kubelet.k8s.io/v1',
    '    args:',
    '      - get-credentials',
  ];
  if (options.serviceAccount) {
    lines.push(
      '    tokenAttributes:',
      '      serviceAccountTokenAudience: sts.amazonaws.com',
      '      cacheType: ServiceAccount',
      '      requireServiceAccount: false',
      '      optionalServiceAccountAnnotationKeys:',
      '        - eks.amazonaws.com/ecr-role-arn',
    );
  }
  return `${lines.join('\n')}\n`;
}
