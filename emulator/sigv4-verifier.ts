import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** A credential the emulator knows: the secret it re-signs with, and who it belongs to. */
export interface KnownCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** IAM ARN reported in errors and by GetCallerIdentity. */
  readonly principalArn: string;
}

export interface VerifiedRequest {
  readonly credential: KnownCredential;
  readonly region: string;
  readonly service: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly request: VerifiedRequest }
  | {
      readonly ok: false;
      readonly code: 'MissingAuthenticationToken' | 'UnrecognizedClient' | 'SignatureDoesNotMatch' | 'RequestExpired';
      readonly message: string;
    };

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/**
 * Checks an AWS SigV4 signature without hand-written crypto: rebuilds the request from what
 * arrived (method, path, query, the signed headers, body), signs it again with the SDK's own
 * signer and the known secret for the access key id, and compares the signatures.
 */
export async function verifySigV4(
  input: { method: string; url: string; headers: IncomingHttpHeaders; body: string },
  lookup: (accessKeyId: string) => KnownCredential | undefined,
  now: Date = new Date(),
): Promise<VerifyResult> {
  const authorization = input.headers.authorization;
  const parsed = typeof authorization === 'string' ? AUTH.exec(authorization) : null;
  if (!parsed) return { ok: false, code: 'MissingAuthenticationToken', message: 'Missing or malformed Authorization header' };
  const [, accessKeyId = '', , region = '', service = '', signedHeaderList = '', signature = ''] = parsed;
  const credential = lookup(accessKeyId);
  if (!credential) {
    return { ok: false, code: 'UnrecognizedClient', message: 'The security token included in the request is invalid.' };
  }
  const sessionToken = input.headers['x-amz-security-token'];
  if ((credential.sessionToken ?? undefined) !== (typeof sessionToken === 'string' ? sessionToken : undefined)) {
    return { ok: false, code: 'UnrecognizedClient', message: 'The security token included in the request is invalid.' };
  }
  const amzDate = input.headers['x-amz-date'];
  const signingDate = typeof amzDate === 'string' ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) return { ok: false, code: 'SignatureDoesNotMatch', message: 'Missing or malformed X-Amz-Date' };
  if (Math.abs(now.getTime() - signingDate.getTime()) > 15 * 60 * 1000) {
    return { ok: false, code: 'RequestExpired', message: 'Signature expired: the request time is too far from the server time' };
  }

  // The signer trusts a client-sent payload hash header instead of hashing the body, so the
  // header itself must match the body that arrived — unless the client said it did not sign
  // the payload (UNSIGNED-PAYLOAD), which AWS accepts.
  const claimedHash = input.headers['x-amz-content-sha256'];
  if (
    claimedHash !== undefined &&
    claimedHash !== 'UNSIGNED-PAYLOAD' &&
    claimedHash !== createHash('sha256').update(input.body).digest('hex')
  ) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The provided x-amz-content-sha256 header does not match the request body.',
    };
  }

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = input.headers[name];
    if (value === undefined) return { ok: false, code: 'SignatureDoesNotMatch', message: `Signed header ${name} is missing` };
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(input.url, 'http://emulator.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const host = headers.host ?? '';
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: credential.secretAccessKey, sessionToken: credential.sessionToken },
    region,
    service,
    sha256: Sha256,
    // Only what the client signed: a payload hash header is part of the canonical request
    // when the client signed one (it is then among `headers`), not otherwise.
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: input.method,
      protocol: 'http:',
      hostname: host.replace(/:\d+$/, ''),
      port: undefined,
      path: url.pathname,
      query,
      headers,
      body: input.body,
    },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = AUTH.exec(String(resigned.headers.authorization ?? ''))?.[6];
  if (expected !== signature) {
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return { ok: true, request: { credential, region, service } };
}
