import { createLazyKeychain } from '../../../src/keychain/lazy-keychain';
import type { Keychain } from '../../../src/keychain/os-keychain';

/** A keychain in a map, counting the calls made to it. */
function mapKeychain(): Keychain & { calls: string[] } {
  const items = new Map<string, string>();
  const calls: string[] = [];
  return {
    calls,
    get: async (service, account) => {
      calls.push('get');
      return items.get(`${service}/${account}`);
    },
    set: async (service, account, secret) => {
      calls.push('set');
      items.set(`${service}/${account}`, secret);
    },
    delete: async (service, account) => {
      calls.push('delete');
      return items.delete(`${service}/${account}`);
    },
    list: async (service) => {
      calls.push('list');
      return [...items]
        .filter(([key]) => key.startsWith(`${service}/`))
        .map(([key, secret]) => ({ account: key.slice(service.length + 1), secret }));
    },
  };
}

describe('createLazyKeychain', () => {
  it('builds nothing until the first call, then builds the keychain once and passes every call through', async () => {
    const real = mapKeychain();
    let loads = 0;
    const keychain = createLazyKeychain(2560, async () => {
      loads += 1;
      return real;
    });
    expect(keychain.maxItemBytes).toBe(2560);
    expect(loads).toBe(0);
    await keychain.set('svc', 'a', 'secret-a');
    expect(await keychain.get('svc', 'a')).toBe('secret-a');
    expect(await keychain.list('svc')).toEqual([{ account: 'a', secret: 'secret-a' }]);
    expect(await keychain.delete('svc', 'a')).toBe(true);
    expect(await keychain.get('svc', 'a')).toBeUndefined();
    expect(loads).toBe(1);
    expect(real.calls).toEqual(['set', 'get', 'list', 'delete', 'get']);
  });

  it('concurrent first calls share one build', async () => {
    let loads = 0;
    const keychain = createLazyKeychain(undefined, async () => {
      loads += 1;
      return mapKeychain();
    });
    await Promise.all([keychain.get('svc', 'a'), keychain.get('svc', 'b'), keychain.list('svc')]);
    expect(loads).toBe(1);
  });

  it("a build that fails fails the call with the build's error", async () => {
    const keychain = createLazyKeychain(undefined, async () => {
      throw new Error('no keychain here');
    });
    await expect(keychain.get('svc', 'a')).rejects.toThrow('no keychain here');
  });
});
