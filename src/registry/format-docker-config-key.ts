import { parseServerUrl } from './parse-server-url';

/**
 * `host` or `host:port`: the key under which docker looks a registry up in `credHelpers` (the
 * host as an image names it), from any spelling a person pastes — a scheme, userinfo, a path,
 * any letter case, `:443`. Undefined when the input names no host (parse-server-url.ts).
 */
export function formatDockerConfigKey(input: string): string | undefined {
  const url = parseServerUrl(input);
  if (!url) return undefined;
  return url.port === undefined ? url.hostname : `${url.hostname}:${url.port}`;
}
