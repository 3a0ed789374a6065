import { parseConfig } from '../../src/config';
import { createServices } from '../../src/services';
import { createFakeClock, createFakeKeychain, createFakeTokenSource, createMemoryLogger } from '../helpers/fakes';
import { hostFs } from '../helpers/host-fs';
import { makeTempDir } from '../helpers/temp-dir';

/** The services for an environment, with a refresher starter that records nothing. */
function servicesFor(env: Record<string, string>, home: string = makeTempDir()) {
  const clock = createFakeClock();
  const startRefresher = () => true;
  const services = createServices({
    config: parseConfig(env, home),
    logger: createMemoryLogger(),
    now: clock.now,
    fsPlatform: hostFs(),
    keychain: createFakeKeychain(),
    loadTokenSource: async () => createFakeTokenSource(clock.now),
    startRefresher,
  });
  return { services, startRefresher };
}

describe('createServices: background refresh', () => {
  it('is offered with a shared cache (file or keychain backend)', () => {
    const envs: Record<string, string>[] = [{}, { AWS_ECR_CACHE_BACKEND: 'keychain' }, { AWS_ECR_BACKGROUND_REFRESH: 'true' }];
    for (const env of envs) {
      const { services, startRefresher } = servicesFor(env);
      expect(services.startRefresher).toBe(startRefresher);
    }
  });

  it.each<[string, Record<string, string>, string | undefined]>([
    ['AWS_ECR_BACKGROUND_REFRESH=false', { AWS_ECR_BACKGROUND_REFRESH: 'false' }, undefined],
    ['the cache disabled', { AWS_ECR_DISABLE_CACHE: '1' }, undefined],
    ['the keychain backend with the cache disabled', { AWS_ECR_DISABLE_CACHE: '1', AWS_ECR_CACHE_BACKEND: 'keychain' }, undefined],
    ['no usable cache directory (HOME not absolute)', {}, 'relative/home'],
  ])('is not offered with %s', (_name, env, home) => {
    expect(servicesFor(env, home ?? makeTempDir()).services.startRefresher).toBeUndefined();
  });
});
