/** How one check of `doctor` came out. */
export type CheckStatus = 'OK' | 'FAIL' | 'SKIP';

/** The checks, in the order `doctor` runs and reports them; the ids are the JSON `name`s. */
export const CHECK_TITLES = {
  'helper-on-path': 'helper on PATH',
  'docker-config': 'docker config',
  'containers-auth': 'podman/skopeo auth',
  settings: 'registry settings',
  'aws-credentials': 'AWS credentials',
  'sts-identity': 'STS identity',
  'ecr-token': 'ECR token',
  registry: 'registry /v2/',
  cache: 'token cache',
  keychain: 'keychain',
  proxy: 'proxy',
  // doctor --kubelet (titles no longer than the others: the report's columns stay put)
  'kubelet-config': 'kubelet config',
  'kubelet-match': 'kubelet match',
  'kubelet-binary': 'provider binary',
  'kubelet-exec': 'provider run',
} as const;

export type CheckName = keyof typeof CHECK_TITLES;

/**
 * One line of the report: `detail` says what was found, `fix` (null when nothing needs doing)
 * what to do. The JSON form of the report is exactly these fields, in this order.
 */
export interface CheckResult {
  readonly name: CheckName;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix: string | null;
}

export function ok(name: CheckName, detail: string): CheckResult {
  return { name, status: 'OK', detail, fix: null };
}

export function fail(name: CheckName, detail: string, fix: string): CheckResult {
  return { name, status: 'FAIL', detail, fix };
}

export function skip(name: CheckName, detail: string, fix: string | null = null): CheckResult {
  return { name, status: 'SKIP', detail, fix };
}
