import { KeychainUnavailableError } from '../../../errors';
import type { Registry } from '../../../registry/parse-registry';
import { checkPrivateDirectory } from '../../../safe-fs/private-directories';
import type { HelperServices } from '../../../services';
import { type CheckResult, fail, ok, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { fixOf, formatDuration, messageOf } from '../doctor-check';

async function checkCache(services: HelperServices, registry: Registry | undefined, identityOf: () => string): Promise<CheckResult> {
  const name = 'cache';
  const { config } = services;
  if (config.cacheDisabled) return skip(name, 'AWS_ECR_DISABLE_CACHE is set: every get asks ECR');
  if (config.cacheDir === undefined) {
    return fail(name, 'no cache: the home directory is not an absolute path', 'set HOME, or AWS_ECR_CACHE_DIR to an absolute path');
  }
  let where: string;
  try {
    const exists = checkPrivateDirectory(config.cacheDir, services.fsPlatform);
    where = `${config.cacheDir}${exists ? '' : ' (created on the first get)'}`;
  } catch (error) {
    return fail(
      name,
      `${config.cacheDir} cannot be used: ${messageOf(error)}`,
      'make it a directory of yours that nobody else can write (chmod 700), or set AWS_ECR_CACHE_DIR',
    );
  }
  const backend = config.cacheBackend === 'keychain' ? 'keychain backend' : 'file backend';
  if (config.cacheBackend === 'keychain') {
    // The keychain store treats an unusable keychain as empty (a get goes on without a cache): say so here.
    try {
      await services.credentials.list();
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      return fail(
        name,
        `${where}, keychain backend: nothing is cached, as the keychain is not usable (see keychain)`,
        'make the keychain usable, or set AWS_ECR_CACHE_BACKEND=file',
      );
    }
  }
  try {
    const identity = identityOf();
    if (registry !== undefined) {
      const cached = await services.store.get(registry.host, identity);
      const left = cached ? cached.expiresAt - services.now() : 0;
      return ok(
        name,
        `${where}, ${backend}; ${cached && left > 0 ? `a token for ${registry.host} and this identity, ${formatDuration(left)} left` : `no cached token for ${registry.host} and this identity`}`,
      );
    }
    const tokens = await services.store.list(identity);
    return ok(
      name,
      `${where}, ${backend}; ${tokens.length} cached ${tokens.length === 1 ? 'token' : 'tokens'} for this identity${tokens.length > 0 ? `: ${tokens.map((t) => `${t.host} (${formatDuration(t.expiresAt - services.now())} left)`).join(', ')}` : ''}`,
    );
  } catch (error) {
    return fail(name, messageOf(error), fixOf(error, 'see the line above'));
  }
}

/** The token cache: where it is, whether it can be used, what it holds for this identity. */
export const cacheCheck: DoctorCheck = {
  name: 'cache',
  async run({ services, registry, credentials }) {
    const identityOf = (): string => {
      if ('error' in credentials) throw credentials.error;
      return credentials.value.identity;
    };
    return { result: await checkCache(services, registry, identityOf) };
  },
};
