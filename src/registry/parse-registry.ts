import { splitServerUrl } from './split-server-url';

/**
 * One parser for everything that names a registry: the server URL docker, skopeo, crane,
 * nerdctl and BuildKit send to `get` (REFERENCE §2) and, later, the image a kubelet asks about.
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
  /** `…dkr-ecr.<region>.on.aws`: a dual-stack host name. */
  readonly dualStack: boolean;
  /** DNS suffix after the region, e.g. `amazonaws.com.cn`. */
  readonly dnsSuffix: string;
}

export interface PublicRegistry {
  readonly kind: 'ecr-public';
  readonly host: string;
  /** ECR Public tokens come from us-east-1 only. */
  readonly region: 'us-east-1';
}

export type Registry = PrivateRegistry | PublicRegistry;

/**
 * The private registry host pattern for every partition (REFERENCE §3), anchored at both ends
 * so that `….amazonaws.com.evil.example` is not ECR. Named groups, not positions.
 */
const PRIVATE_HOST =
  /^(?<account>\d{12})\.dkr(?<sep>[.-])ecr(?<fips>-fips)?\.(?<region>[a-z0-9][a-z0-9_-]*)\.(?<suffix>amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

const PUBLIC_HOSTS: ReadonlySet<string> = new Set(['public.ecr.aws', 'ecr-public.aws.com']);

/**
 * Extracts `host` from the forms real clients send: optional `https://`, userinfo, `:port`,
 * path (`/v2/`, `/repo/image`), surrounding whitespace, any letter case. Returns undefined
 * when the input cannot be a registry address at all (including any scheme but https).
 */
export function parseHost(input: string): string | undefined {
  const parts = splitServerUrl(input);
  if (parts.scheme !== undefined && parts.scheme !== 'https') return undefined;
  let hostPort = parts.hostPort;
  const portMatch = /:(\d*)$/.exec(hostPort);
  if (portMatch) {
    const port = Number(portMatch[1]);
    if (!portMatch[1] || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    hostPort = hostPort.slice(0, portMatch.index);
  }
  // A fully qualified name may end in a dot.
  const host = hostPort.replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(host) || host.includes('..')) return undefined;
  return host;
}

/**
 * Recognises an ECR or ECR Public registry in a server URL or image reference.
 * Returns undefined for anything else (the caller answers not-found, with no AWS call).
 */
export function parseRegistry(input: string): Registry | undefined {
  const host = parseHost(input);
  if (host === undefined) return undefined;
  if (PUBLIC_HOSTS.has(host)) return { kind: 'ecr-public', host, region: 'us-east-1' };
  const groups = PRIVATE_HOST.exec(host)?.groups;
  if (!groups) return undefined;
  const { account, sep, fips, region, suffix } = groups;
  if (account === undefined || region === undefined || suffix === undefined) return undefined;
  // Dual-stack names are `dkr-ecr.<region>.on.aws`; the pattern (like the reference's) also
  // accepts either separator with either domain, so judge by the domain.
  const dualStack = suffix.startsWith('on.') || sep === '-';
  return {
    kind: 'ecr',
    host,
    registryId: account,
    region,
    fips: fips !== undefined,
    dualStack,
    dnsSuffix: suffix,
  };
}
