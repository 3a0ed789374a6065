import type { Registry } from '../registry/parse-registry';

/** A registry password as ECR hands it out: `AWS` / ~2 KB password, valid 12 hours. */
export interface AuthorizationToken {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: Date;
}

/**
 * The narrow port over the AWS SDK: all the resolver needs. The real one is
 * `createEcrTokenSource` (which loads the SDK on its first call); tests use a plain fake that records calls.
 */
export interface TokenSource {
  getAuthorizationToken(registry: Registry): Promise<AuthorizationToken>;
}
