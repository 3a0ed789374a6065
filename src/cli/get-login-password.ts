import { UsageError } from '../errors';
import { resolveTargetToken } from '../protocol/docker/actions';
import { parseRegistry } from '../registry/parse-registry';
import type { HelperServices } from '../services';
import type { Settings } from '../settings/parse-settings';
import { selectRegistryTarget } from '../settings/select-registry-settings';

/**
 * `get-login-password [HOST]`, named after `aws ecr get-login-password` so that a script can
 * swap one for the other without the AWS CLI: `… get-login-password HOST | docker login
 * --username AWS --password-stdin HOST`. The password comes the way `get` finds it (the cache,
 * the single flight, the registry's settings and aliases, ECR Public for public.ecr.aws).
 * Stdout is the password and a newline, nothing else; a failure leaves stdout empty and says
 * why in one stderr line (main.ts, as for every command).
 */
export async function getLoginPassword(host: string | undefined, services: HelperServices): Promise<string> {
  // `get-login-password ""` (a variable that came out empty) must not quietly mean "the default".
  if (host !== undefined && host.trim() === '') {
    throw new UsageError(
      'get-login-password: HOST is empty: pass the registry, e.g. get-login-password 123456789012.dkr.ecr.us-east-1.amazonaws.com, or leave HOST out for the one the settings file names',
    );
  }
  const settings = services.settings();
  const serverUrl = host?.trim() ?? defaultHostOf(settings);
  const target = selectRegistryTarget(serverUrl, settings);
  if (!target) {
    throw new UsageError(
      `${JSON.stringify(serverUrl.slice(0, 256))} is not an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) nor an alias in the settings file`,
    );
  }
  const token = await resolveTargetToken(serverUrl, target, services);
  return `${token.password}\n`;
}

/**
 * The registry when HOST is left out. `aws ecr get-login-password` needs none (its token works
 * for every registry of the account), but a token here is per registry, and which registry is
 * the account's default in the current region cannot be known without an AWS call: only a
 * settings file that names exactly one ECR registry (an exact `registries` key or an alias's
 * target) decides it.
 */
function defaultHostOf(settings: Settings): string {
  const hosts = new Set<string>();
  for (const rule of settings.registries) {
    if (rule.pattern.isGlob) continue;
    const registry = parseRegistry(rule.pattern.labels.join('.'));
    if (registry) hosts.add(registry.host);
  }
  for (const alias of settings.aliases) hosts.add(alias.target);
  const [only] = hosts;
  if (hosts.size === 1 && only !== undefined) return only;
  const named = hosts.size === 0 ? 'names no registry' : `names ${hosts.size} registries`;
  throw new UsageError(
    `get-login-password needs the registry: pass HOST, e.g. get-login-password 123456789012.dkr.ecr.us-east-1.amazonaws.com (the settings file ${named}; with exactly one, it is the default)`,
  );
}
