/** The parts of a server URL that name a registry. */
export interface ServerUrlParts {
  /** Lower-case scheme (`https`, `http`, …) or undefined when none was given. */
  readonly scheme: string | undefined;
  /** Lower-case `host[:port]`: no scheme, userinfo, path, query or fragment. */
  readonly hostPort: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Splits what clients send as a server URL (REFERENCE §2): surrounding whitespace, optional
 * scheme, optional userinfo, optional path. Shared by the ECR parser and the credential-store
 * key, which differ only in what they accept afterwards.
 */
export function splitServerUrl(input: string): ServerUrlParts {
  let rest = input.trim();
  const scheme = SCHEME.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  // Everything from the first '/', '?' or '#' on is path, query or fragment.
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  return {
    scheme: scheme?.[1]?.toLowerCase(),
    hostPort: authority.slice(authority.lastIndexOf('@') + 1).toLowerCase(),
  };
}
