import type { AwsDiagnostics } from '../../../aws/create-aws-diagnostics';
import type { AuthorizationToken } from '../../../aws/token-source';
import type { Registry } from '../../../registry/parse-registry';
import { redact } from '../../../safe-text/redact';
import { type CheckResult, fail, ok, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { fixOf, messageOf } from '../doctor-check';

/** How long the registry may take to answer one `GET /v2/` (the token source's request timeout). */
const REGISTRY_TIMEOUT_MS = 5000;

const isWordChar = (c: string): boolean => /\w/.test(c);

/**
 * The parameters of a `WWW-Authenticate` challenge (`Bearer realm="…",service="…"`): each
 * `key="value"`. Scanned by hand: the registry is a network peer, and `(\w+)="([^"]*)"`
 * rescans a long word from each of its characters.
 */
export function parseChallenge(challenge: string): { scheme: string; params: Record<string, string> } {
  const scheme = /^\s*(\S+)/.exec(challenge)?.[1]?.toLowerCase() ?? '';
  const params: Record<string, string> = {};
  let from = 0;
  for (let equals = challenge.indexOf('="'); equals >= 0; equals = challenge.indexOf('="', from)) {
    const close = challenge.indexOf('"', equals + 2);
    // No closing quote: no later `="` has one either.
    if (close < 0) break;
    let start = equals;
    while (start > from && isWordChar(challenge.charAt(start - 1))) start--;
    if (start === equals) {
      from = equals + 1;
      continue;
    }
    params[challenge.slice(start, equals).toLowerCase()] = challenge.slice(equals + 2, close);
    from = close + 1;
  }
  return { scheme, params };
}

/**
 * The registry's `GET /v2/` without credentials (a registry answers 401) and with the token,
 * as a client sends it: Basic auth, which ECR's private registries take directly; a registry
 * that challenges with `Bearer` (ECR Public) first gets the token at its token service, in
 * exchange for a bearer token, as docker does.
 */
async function checkRegistry(
  url: string,
  token: AuthorizationToken,
  diagnostics: AwsDiagnostics,
  registry: Registry | undefined,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = 'registry';
  const target = new URL('/v2/', url).href;
  // A URL given with a user and password (--registry-url) is shown without them.
  const shown = redact(target);
  try {
    const anonymous = await diagnostics.httpGet(target, undefined, timeoutMs);
    const basic = `Basic ${Buffer.from(`${token.username}:${token.password}`).toString('base64')}`;
    let authorized = await diagnostics.httpGet(target, basic, timeoutMs);
    let how = 'with the token';
    const challenge = parseChallenge(authorized.challenge ?? anonymous.challenge ?? '');
    const realm = challenge.params.realm;
    if (authorized.status === 401 && challenge.scheme === 'bearer' && realm !== undefined) {
      const service = new URL(realm, target);
      if (challenge.params.service !== undefined) service.searchParams.set('service', challenge.params.service);
      const exchange = await diagnostics.httpGet(service.href, basic, timeoutMs);
      let bearer: unknown;
      try {
        const answer: unknown = JSON.parse(exchange.body);
        bearer =
          typeof answer === 'object' && answer !== null
            ? ((answer as Record<string, unknown>).token ?? (answer as Record<string, unknown>).access_token)
            : undefined;
      } catch {
        bearer = undefined;
      }
      if (exchange.status !== 200 || typeof bearer !== 'string') {
        return fail(
          name,
          `GET ${shown}: ${anonymous.status} without credentials; its token service ${service.origin}${service.pathname} answered ${exchange.status} to the token${exchange.status === 200 ? ' without a bearer token' : ''}`,
          'check that this address is the registry the token is for, and that the clock is right',
        );
      }
      authorized = await diagnostics.httpGet(target, `Bearer ${bearer}`, timeoutMs);
      how = "with the token (through the registry's token service)";
    }
    const answers = `${anonymous.status} without credentials, ${authorized.status} ${how}`;
    if (authorized.status === 200) return ok(name, `GET ${shown}: ${answers}`);
    if (authorized.status === 401 || authorized.status === 403) {
      const whose = registry?.kind === 'ecr' ? ` (a token for account ${registry.registryId} in ${registry.region})` : '';
      return fail(
        name,
        `GET ${shown}: ${answers}: the registry refused the token${whose}`,
        'check that this address is the registry the token is for (a proxy or alias in front of another registry needs its own entry), and that the clock is right',
      );
    }
    return fail(
      name,
      `GET ${shown}: ${answers}, not 200: this is not a registry answering as ECR does`,
      'check the host name (and --registry-url)',
    );
  } catch (error) {
    return fail(name, messageOf(error), fixOf(error, 'check the network'));
  }
}

/** The registry's answer to the token: one deadline for the whole exchange (up to four requests with a Bearer token service). */
export const registryCheck: DoctorCheck = {
  name: 'registry',
  onDeadline: ({ registryUrl, deadlineMs }) =>
    fail(
      'registry',
      `GET ${redact(new URL('/v2/', registryUrl ?? 'https://registry.invalid').href)} (and its token service, if it has one) did not answer within ${deadlineMs / 1000} s`,
      'check the network and the proxy (HTTPS_PROXY, NO_PROXY) between here and the registry, or give its address with --registry-url',
    ),
  async run({ host, registryUrl, diagnostics, registry, deadlineMs }, { token }) {
    if (host === undefined || registryUrl === undefined) return { result: skip('registry', 'no registry given') };
    if (!token) return { result: skip('registry', 'no ECR token to try (see ecr-token)') };
    return { result: await checkRegistry(registryUrl, token, diagnostics, registry, Math.min(REGISTRY_TIMEOUT_MS, deadlineMs)) };
  },
};
