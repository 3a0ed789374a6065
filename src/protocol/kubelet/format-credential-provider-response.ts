import { formatGoDuration } from './format-go-duration';

export interface ProviderCredentials {
  /** The `auth` key: the image's registry host, and its port when the image has one (kubelet compares ports exactly). */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** How long kubelet may cache the credentials, whole seconds; 0: do not cache. */
  readonly cacheSeconds: number;
}

/**
 * The CredentialProviderResponse in the request's apiVersion: the fields of k8s.io/kubelet's
 * type in its order and nothing else (kubelet decodes strictly), one line as Go's encoder
 * writes it. `cacheKeyType: Registry`, as AWS's plugin answers: an ECR token is good for every
 * repository of the registry.
 */
export function formatCredentialProviderResponse(apiVersion: string, credentials: ProviderCredentials): string {
  const { host, username, password, cacheSeconds } = credentials;
  const response = {
    kind: 'CredentialProviderResponse',
    apiVersion,
    cacheKeyType: 'Registry',
    cacheDuration: formatGoDuration(cacheSeconds),
    auth: { [host]: { username, password } },
  };
  return `${JSON.stringify(response)}\n`;
}

/**
 * Half the token's remaining lifetime in whole seconds, as AWS's plugin computes it: kubelet
 * then asks again well before the token expires. 0 (do not cache) when the expiry is unknown.
 */
export function halfRemainingSeconds(expiresAt: number | undefined, now: number): number {
  if (expiresAt === undefined) return 0;
  const half = Math.trunc((Math.floor(expiresAt / 1000) - Math.floor(now / 1000)) / 2);
  // Never longer than half an ECR token's 12 hours, whatever an endpoint claims.
  return Math.min(MAX_CACHE_SECONDS, Math.max(0, half));
}

const MAX_CACHE_SECONDS = 6 * 3600;
