import { parseRegistry, type Registry } from './parse-registry';
import { parseServerUrl } from './parse-server-url';

/** The registry an image reference is pulled from. */
export interface ImageRegistry {
  /**
   * The host as the image spells it, without scheme, userinfo, port or path (letter case and a
   * trailing dot stay as written), as AWS's plugin reads it.
   */
  readonly host: string;
  /**
   * The key of kubelet's `auth` map: `host`, and `:port` when the image gives one, the port
   * digits as written (`registry.example.com:5000`, `<ECR host>:443`). kubelet's URLsMatch
   * compares each host label as a glob and the port as a string, exactly (docs/peers.md §4):
   * a key that differs from the image in either never matches it.
   */
  readonly authKey: string;
  /** The ECR registry it names, or undefined for any other registry. */
  readonly registry: Registry | undefined;
}

/**
 * The registry host of an image reference the way AWS's ecr-credential-provider reads it
 * (`parseHostFromImageReference`: `https://` added when there is no scheme, then the URL's
 * host name), judged by the same parser as every server URL, and the `auth` key kubelet will
 * match against the image. AWS's plugin drops the port from that key; we keep it, because
 * kubelet's URLsMatch compares ports exactly: for `registry.example.com:5000/app` a key of
 * `registry.example.com` matches nothing, and kubelet discards the credentials (and pulls
 * without them). Undefined when the image names no host.
 */
export function parseImageRegistry(image: string): ImageRegistry | undefined {
  const url = parseServerUrl(image);
  if (!url) return undefined;
  // The parser lower-cases and drops a default port; the key keeps the image's own spelling.
  const { host, port } = url.written;
  return { host, authKey: port === undefined ? host : `${host}:${port}`, registry: parseRegistry(image) };
}
