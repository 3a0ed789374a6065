import { parseServerUrl } from './parse-server-url';

/**
 * Recognises ECR registries in what clients send as a server URL (docs/peers.md §2): docker,
 * skopeo, crane, nerdctl and BuildKit all name the registry host in their own way, and
 * `parseServerUrl` reads them all.
 */

export interface PrivateRegistry {
  readonly kind: 'ecr';
  /** Lower-case host name, no port: the cache key and the `list` key. */
  readonly host: string;
  /** 12-digit AWS account id, sent as `registryIds[0]`. */
  readonly registryId: string;
  readonly region: string;
  /** `…dkr.ecr-fips…` / `…dkr-ecr-fips…`: call the FIPS API endpoint. */
  readonly fips: boolean;
}

export interface PublicRegistry {
  readonly kind: 'ecr-public';
  readonly host: string;
  /** ECR Public tokens come from us-east-1 only. */
  readonly region: 'us-east-1';
}

export type Registry = PrivateRegistry | PublicRegistry;

/**
 * The private registry host pattern for every partition (docs/peers.md §3), anchored at both ends
 * so that `….amazonaws.com.evil.example` is not ECR. Named groups, not positions.
 */
const PRIVATE_HOST =
  /^(?<account>\d{12})\.dkr[.-]ecr(?<fips>-fips)?\.(?<region>[a-z0-9][a-z0-9_-]*)\.(?:amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

/** ECR Public's registry hosts: its own name (IPv4 only) and its dual-stack name. */
export const ECR_PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'] as const;

const PUBLIC_HOSTS: ReadonlySet<string> = new Set(ECR_PUBLIC_HOSTS);

/**
 * The ECR or ECR Public registry a server URL names; undefined for anything else, including
 * plain `http://` (the caller answers not-found, with no AWS call). The port is ignored.
 */
export function parseRegistry(input: string): Registry | undefined {
  const url = parseServerUrl(input);
  if (!url || url.scheme === 'http') return undefined;
  const host = url.hostname;
  if (PUBLIC_HOSTS.has(host)) return { kind: 'ecr-public', host, region: 'us-east-1' };
  const groups = PRIVATE_HOST.exec(host)?.groups;
  const account = groups?.account;
  const region = groups?.region;
  if (account === undefined || region === undefined) return undefined;
  return { kind: 'ecr', host, registryId: account, region, fips: groups?.fips !== undefined };
}
