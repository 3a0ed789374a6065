import type { Registry } from '../registry/parse-registry';

/**
 * A registry password as ECR hands it out: `AWS` / ~2 KB password, valid 12 hours. ECR always
 * sends the expiry; a token without one (a proxy, an emulator) is used once and never cached.
 */
export interface AuthorizationToken {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: Date | undefined;
  /**
   * The API endpoint that issued it (`https://ecr.us-west-2.api.aws`), where the token source
   * knows it: what doctor names. Never cached.
   */
  readonly endpoint?: string;
}

/** A role to assume with an OIDC token (kubelet's service-account mode) for one call. */
export interface WebIdentity {
  readonly roleArn: string;
  /** The projected service account token kubelet sent. */
  readonly token: string;
}

/** Temporary credentials of an assumed role, as STS `AssumeRole` returns them. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** A role to assume with STS `AssumeRole` for one registry (the per-registry settings). */
export interface AssumeRole {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string;
  /**
   * Returns the role's cached credentials if they have time left, else calls `assume` (STS)
   * and caches what it returns: an assumed role's credentials serve every registry with
   * the same role and source identity until they expire.
   */
  readonly cached: (assume: () => Promise<RoleCredentials>) => Promise<RoleCredentials>;
}

export interface TokenRequestOptions {
  /** Call ECR as this role instead of the identity of the default credential chain. */
  readonly webIdentity?: WebIdentity;
  /** The default credential chain with this AWS profile (for the token, or as `assumeRole`'s source). */
  readonly profile?: string;
  /** Call ECR as this role, assumed with the credentials of `profile` or the default chain. */
  readonly assumeRole?: AssumeRole;
}

/**
 * The narrow port over the AWS SDK: all the resolver needs. The real one is
 * `createEcrTokenSource` (which loads the SDK on its first call); tests use a plain fake that
 * records calls.
 */
export interface TokenSource {
  getAuthorizationToken(registry: Registry, options?: TokenRequestOptions): Promise<AuthorizationToken>;
}
