import { exactObject, findDuplicateKey, optional, recordOf, ShapeError, string } from '../../json-shape';
import { parseGoDuration } from './parse-go-duration';

/** A provider's answer as kubelet reads it; the passwords are for counting, never for showing. */
export interface CredentialProviderResponse {
  readonly cacheKeyType: string;
  /** As written; undefined when absent (kubelet then uses the config's defaultCacheDuration). */
  readonly cacheDuration: string | undefined;
  readonly auth: Readonly<Record<string, { readonly username: string; readonly password: string }>>;
}

const RESPONSE = exactObject({
  kind: optional(string, ''),
  apiVersion: optional(string, ''),
  cacheKeyType: optional(string, ''),
  cacheDuration: optional(string, undefined),
  auth: optional(recordOf(exactObject({ username: optional(string, ''), password: optional(string, '') })), {}),
});

/**
 * Reads a provider's stdout as kubelet's exec plugin does (plugin.go ExecPlugin,
 * decodeResponse): the apiVersion must be the one the config names, the kind
 * CredentialProviderResponse, no unknown or repeated field, a cacheKeyType kubelet knows.
 * Throws an Error whose message says what kubelet would refuse, and never quotes the output
 * (it may hold a password).
 */
export function parseCredentialProviderResponse(stdout: string, apiVersion: string): CredentialProviderResponse {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new Error('stdout is not JSON');
  }
  const duplicate = findDuplicateKey(stdout);
  if (duplicate !== undefined) throw new Error(`strict decoding error: duplicate field ${JSON.stringify(duplicate)}`);
  let response: ReturnType<typeof RESPONSE>;
  try {
    response = RESPONSE(value, '');
  } catch (error) {
    if (error instanceof ShapeError) throw new Error(`strict decoding error: ${error.path || 'the value'} ${error.problem}`);
    throw error;
  }
  if (response.apiVersion !== apiVersion) {
    throw new Error(`apiVersion ${JSON.stringify(response.apiVersion)} is not the configured ${apiVersion}`);
  }
  if (response.kind !== 'CredentialProviderResponse')
    throw new Error(`kind ${JSON.stringify(response.kind)} is not CredentialProviderResponse`);
  if (!['Image', 'Registry', 'Global'].includes(response.cacheKeyType)) {
    throw new Error(`cacheKeyType ${JSON.stringify(response.cacheKeyType)} is not Image, Registry or Global`);
  }
  if (response.cacheDuration !== undefined && parseGoDuration(response.cacheDuration) === undefined) {
    throw new Error(`cacheDuration ${JSON.stringify(response.cacheDuration)} is not a Go duration`);
  }
  return { cacheKeyType: response.cacheKeyType, cacheDuration: response.cacheDuration, auth: response.auth };
}
