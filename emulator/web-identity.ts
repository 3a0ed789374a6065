import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The emulator's OIDC provider, standing in for an EKS cluster's: it issues projected service
 * account tokens (JWTs signed with a key only it knows) and keeps the trust policies that say
 * which service account may assume which role. STS `AssumeRoleWithWebIdentity` checks a token
 * here as real STS checks it against the cluster's OIDC provider: signature, expiry, audience
 * `sts.amazonaws.com`, and the role's trust in the token's subject.
 */
export interface ServiceAccountTokens {
  /** A token for `subject` (`system:serviceaccount:<namespace>:<name>`). */
  issue(subject: string, options?: { audience?: string; expiresInSeconds?: number }): string;
  /** Lets `subject` assume `roleArn` (a trust policy statement). */
  trust(roleArn: string, subject: string): void;
  verify(token: string, roleArn: string, nowMs: number): { ok: true; subject: string } | { ok: false; code: string; message: string };
  reset(): void;
}

export const OIDC_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EMULATOR';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function createServiceAccountTokens(nowMs: () => number): ServiceAccountTokens {
  const key = randomBytes(32);
  const trusted = new Map<string, Set<string>>();
  const sign = (input: string): Buffer => createHmac('sha256', key).update(input).digest();

  return {
    issue(subject, options = {}) {
      const issuedAt = Math.floor(nowMs() / 1000);
      const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const payload = base64url(
        JSON.stringify({
          iss: OIDC_ISSUER,
          sub: subject,
          aud: [options.audience ?? 'sts.amazonaws.com'],
          iat: issuedAt,
          exp: issuedAt + (options.expiresInSeconds ?? 86_400),
        }),
      );
      return `${header}.${payload}.${base64url(sign(`${header}.${payload}`))}`;
    },

    trust(roleArn, subject) {
      trusted.set(roleArn, (trusted.get(roleArn) ?? new Set()).add(subject));
    },

    verify(token, roleArn, now) {
      const [header = '', payload = '', signature = ''] = token.split('.');
      const expected = sign(`${header}.${payload}`);
      const given = Buffer.from(signature, 'base64url');
      if (token.split('.').length !== 3 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, code: 'InvalidIdentityToken', message: "Couldn't retrieve verification key from your identity provider" };
      }
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string; aud: string[]; exp: number };
      if (claims.exp * 1000 <= now) {
        return {
          ok: false,
          code: 'ExpiredTokenException',
          message: 'Token expired: current date/time must be before the expiration date/time',
        };
      }
      if (!claims.aud.includes('sts.amazonaws.com'))
        return { ok: false, code: 'InvalidIdentityToken', message: 'Incorrect token audience' };
      if (!trusted.get(roleArn)?.has(claims.sub)) {
        return { ok: false, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' };
      }
      return { ok: true, subject: claims.sub };
    },

    reset() {
      trusted.clear();
    },
  };
}
