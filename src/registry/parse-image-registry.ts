import { parseRegistry, type Registry } from './parse-registry';
import { parseServerUrl } from './parse-server-url';

/** The registry an image reference is pulled from. */
export interface ImageRegistry {
  /**
   * The host as the image spells it, without scheme, userinfo, port or path: the key of
   * kubelet's `auth` map, which kubelet matches against the image part by part (so its letter
   * case and a trailing dot stay as written).
   */
  readonly host: string;
  /** The ECR registry it names, or undefined for any other registry. */
  readonly registry: Registry | undefined;
}

/**
 * The registry host of an image reference the way AWS's ecr-credential-provider reads it
 * (`parseHostFromImageReference`: `https://` added when there is no scheme, then the URL's
 * host name, port dropped), judged by the same parser as every server URL. Undefined when the
 * image names no host.
 */
export function parseImageRegistry(image: string): ImageRegistry | undefined {
  const url = parseServerUrl(image);
  if (!url) return undefined;
  // The parser lower-cases (and maps non-ASCII); the spelling comes from the image's own text.
  const authority =
    image
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const spelled = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : (hostPort.split(':', 1)[0] ?? '');
  const sameHost = /^[\x21-\x7e]+$/.test(spelled) && spelled.replace(/\.$/, '').toLowerCase() === url.hostname;
  return { host: sameHost ? spelled : url.hostname, registry: parseRegistry(image) };
}
