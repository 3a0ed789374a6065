import { createKeychainTokenStore, TOKEN_SERVICE } from '../../../src/store/keychain-token-store';
import { MAX_ENTRIES } from '../../../src/store/token-entries';
import { createFakeClock, createFakeKeychain, createMemoryLocker, createMemoryLogger, createTokenFactory } from '../../helpers/fakes';

const HOUR = 3600_000;

function setup() {
  const clock = createFakeClock();
  const keychain = createFakeKeychain();
  const logger = createMemoryLogger();
  const store = createKeychainTokenStore({ keychain, logger, now: clock.now, locker: createMemoryLocker() });
  const token = createTokenFactory(clock.now);
  return { clock, keychain, logger, store, token };
}

describe('keychain token store', () => {
  it('round-trips per host and identity, under salted names', async () => {
    const { store, token, keychain } = setup();
    await store.put('identity-with-AKIAEXAMPLEKEY', token('a.example'));
    expect(await store.get('a.example', 'identity-with-AKIAEXAMPLEKEY')).toEqual(token('a.example'));
    expect(await store.get('a.example', 'other')).toBeUndefined();
    const accounts = [...keychain.items.keys()].map((k) => k.split('\0')[1]);
    expect(accounts).toContain('.salt');
    expect(accounts.join(' ')).not.toContain('AKIAEXAMPLEKEY');
    expect([...keychain.items.keys()].every((k) => k.startsWith(`${TOKEN_SERVICE}\0`))).toBe(true);
  });

  it('lists the unexpired tokens of one identity', async () => {
    const { store, token, clock } = setup();
    await store.put('me', token('a.example'));
    await store.put('someone-else', token('b.example'));
    expect((await store.list('me')).map((t) => t.host)).toEqual(['a.example']);
    clock.advance(13 * HOUR);
    expect(await store.list('me')).toEqual([]);
  });

  it('deletes expired and unreadable items on write and keeps at most MAX_ENTRIES', async () => {
    const { store, token, clock, keychain } = setup();
    await store.put('id', token('old.example'));
    await keychain.set(TOKEN_SERVICE, 'garbage', 'not json');
    clock.advance(13 * HOUR);
    for (let i = 0; i < MAX_ENTRIES + 10; i += 1) {
      clock.advance(1000);
      await store.put(`rotating-${i}`, token('a.example'));
    }
    const items = (await keychain.list(TOKEN_SERVICE)).filter((i) => i.account !== '.salt');
    expect(items).toHaveLength(MAX_ENTRIES);
    expect(items.some((i) => i.secret?.includes('old.example'))).toBe(false);
    expect(items.some((i) => i.account === 'garbage')).toBe(false);
  });

  it('without a keychain: misses, stores nothing, and says why exactly once', async () => {
    const { store, token, keychain, logger } = setup();
    keychain.unavailable = true;
    expect(await store.get('a.example', 'id')).toBeUndefined();
    await store.put('id', token('a.example'));
    expect(await store.list('id')).toEqual([]);
    expect(logger.told).toEqual([
      'not caching tokens: no usable Secret Service keychain (test): run one; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file',
    ]);
  });
});
