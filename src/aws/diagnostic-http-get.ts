import type * as http from 'node:http';
import { DiagnosticError } from './diagnostic-error';

/**
 * `doctor`'s plain HTTP GET of a registry (its `/v2/`, its token service) through the proxy
 * agent, under a deadline: the status, the challenge and the start of the body, or a
 * `DiagnosticError` that says what did not answer.
 */

/** What an HTTP GET answered: the status, the `WWW-Authenticate` challenge, the start of the body. */
export interface HttpAnswer {
  readonly status: number;
  readonly challenge: string | undefined;
  /** At most 64 KiB. */
  readonly body: string;
}

/** More than any registry's token service answers. */
const MAX_BODY_BYTES = 64 * 1024;

/** A string property of a thrown value (`code` of a socket error), or ''. */
function field(error: unknown, key: string): string {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : '';
}

/** `GET address` through `agent`, with `authorization` when given; a `DiagnosticError` when nothing answers within `timeoutMs`. */
export async function diagnosticHttpGet(
  agent: http.Agent,
  address: string,
  authorization: string | undefined,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const url = new URL(address);
  const send = url.protocol === 'http:' ? (await import('node:http')).request : (await import('node:https')).request;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = send(url, {
      method: 'GET',
      agent,
      headers: { 'user-agent': 'docker-credential-ecr-login doctor', ...(authorization ? { authorization } : {}) },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(
        new DiagnosticError(
          'network',
          `${url.origin} did not answer within ${timeoutMs / 1000} s`,
          'check the network and the proxy (HTTPS_PROXY, NO_PROXY) between here and the registry',
        ),
      );
    }, timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        clearTimeout(timer);
        const challenge = response.headers['www-authenticate'];
        resolve({
          status: response.statusCode ?? 0,
          challenge: Array.isArray(challenge) ? challenge[0] : challenge,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
        });
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new DiagnosticError(
          'network',
          `could not reach ${url.origin} (${field(error, 'code') || error.message})`,
          'check the host name, the network and the proxy (HTTPS_PROXY, NO_PROXY)',
        ),
      );
    });
    request.end();
  });
}
