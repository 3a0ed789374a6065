import type { Registry } from '../registry/parse-registry';

/**
 * A registry password as ECR hands it out: `AWS` / ~2 KB password, valid 12 hours. ECR always
 * sends the expiry; a token without one (a proxy, an emulator) is used once and never cached.
 */
export interface AuthorizationToken {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: Date | undefined;
}

/** A role to assume with an OIDC token (kubelet's service-account mode) for one call. */
export interface WebIdentity {
  readonly roleArn: string;
  /** The projected service account token kubelet sent. */
  readonly token: string;
}

export interface TokenRequestOptions {
  /** Call ECR as this role instead of the identity of the default credential chain. */
  readonly webIdentity?: WebIdentity;
}

/**
 * The narrow port over the AWS SDK: all the resolver needs. The real one is
 * `createEcrTokenSource` (which loads the SDK on its first call); tests use a plain fake that
 * records calls.
 */
export interface TokenSource {
  getAuthorizationToken(registry: Registry, options?: TokenRequestOptions): Promise<AuthorizationToken>;
}
