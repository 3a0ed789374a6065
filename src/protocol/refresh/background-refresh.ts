import { InvalidInputError } from '../../errors';
import { resolveRegistryCredentials } from '../../resolver/registry-credentials';
import { type RefreshOutcome, refreshToken } from '../../resolver/resolve-token';
import type { HelperServices } from '../../services';
import { type RegistryTarget, selectRegistryTarget } from '../../settings/select-registry-settings';

/*
 * The helper's own protocol with the refresher it starts: a `get` (or a kubelet request) that
 * finds its cached token due for refresh answers with it at once and starts this same program,
 * detached, as `<program> __refresh-token https://<host>[:<port>]` (src/entry/ starts it). The
 * refresher selects the target from that text as the request did — same registry, settings,
 * identity (it inherits the environment) — and refreshes the cached token under the token lock.
 */

/** The hidden first argument of the refresher mode. */
export const BACKGROUND_REFRESH_ARG = '__refresh-token';

/**
 * What the refresher gets on its command line: the host and port the request named (an
 * alias's, for an alias), which select the same target, settings and identity again. Never the
 * request as written: userinfo, a path or a query would show in the process list.
 */
export function formatRefreshTarget(target: RegistryTarget): string {
  const { hostname, port } = target.requested;
  return `https://${hostname}${port === undefined ? '' : `:${port}`}`;
}

/**
 * `refreshInBackground` for `resolveToken` (undefined when the services have no refresher:
 * no shared cache, `AWS_ECR_BACKGROUND_REFRESH=false`, or a refresher itself).
 */
export function backgroundRefreshOf(target: RegistryTarget, services: HelperServices): (() => boolean) | undefined {
  const start = services.startRefresher;
  return start && (() => start(formatRefreshTarget(target)));
}

/**
 * The refresher's whole run: the target from its command line, then `refreshToken` with the
 * request's registry settings. Its standard streams lead nowhere; the log says what happened.
 */
export async function handleRefreshRequest(text: string, services: HelperServices): Promise<RefreshOutcome> {
  const target = selectRegistryTarget(text, services.settings());
  if (!target)
    throw new InvalidInputError(`${BACKGROUND_REFRESH_ARG}: ${JSON.stringify(text.slice(0, 256))} names no ECR registry or alias`);
  const { identity, request } = resolveRegistryCredentials(target.settings, services);
  return refreshToken(target.registry, { ...services, identity, request });
}
