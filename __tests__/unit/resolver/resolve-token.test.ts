import * as path from 'node:path';
import { TokenFetchError } from '../../../src/errors';
import { createFileLocker } from '../../../src/lock/file-locker';
import { parseRegistry, type Registry } from '../../../src/registry/parse-registry';
import { MIN_REMAINING_MS } from '../../../src/resolver/freshness';
import { refreshToken, resolveToken } from '../../../src/resolver/resolve-token';
import { createFileStore } from '../../../src/store/file-store';
import { createKeychainTokenStore } from '../../../src/store/keychain-token-store';
import { MAX_ENTRIES } from '../../../src/store/token-entries';
import { CacheWriteError, type TokenStore } from '../../../src/store/token-store';
import {
  createFakeClock,
  createFakeKeychain,
  createFakeTokenSource,
  createMemoryLocker,
  createMemoryLogger,
  createMemoryStore,
} from '../../helpers/fakes';
import { hostFs } from '../../helpers/host-fs';
import { makeTempDir } from '../../helpers/temp-dir';

const registry = parseRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com') as Registry;
const HOUR = 3600_000;

function setup(store: TokenStore = createMemoryStore()) {
  const clock = createFakeClock();
  const source = createFakeTokenSource(clock.now);
  const logger = createMemoryLogger();
  let loads = 0;
  const locker = createMemoryLocker();
  const deps = {
    store,
    locker,
    sleep: async (ms: number) => clock.advance(ms),
    identity: 'identity-a',
    now: clock.now,
    logger,
    loadTokenSource: async () => {
      loads += 1;
      return source;
    },
  };
  return { clock, source, logger, locker, deps, loads: () => loads };
}

describe('resolveToken', () => {
  it('fetches on a miss and caches the token with its issue and expiry times', async () => {
    const store = createMemoryStore();
    const { deps, source, clock } = setup(store);
    const token = await resolveToken(registry, deps);
    expect(token).toEqual({
      host: registry.host,
      username: 'AWS',
      password: 'password-1',
      issuedAt: clock.now(),
      expiresAt: clock.now() + 12 * HOUR,
    });
    expect(source.calls).toEqual([registry]);
    expect(await store.get(registry.host, 'identity-a')).toEqual(token);
  });

  it('serves a hit without loading the token source at all', async () => {
    const { deps, source, loads, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(5 * HOUR);
    const again = await resolveToken(registry, deps);
    expect(again.password).toBe('password-1');
    expect(source.calls).toHaveLength(1);
    expect(loads()).toBe(1);
  });

  it('refreshes once half the lifetime has passed', async () => {
    const { deps, source, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(6 * HOUR + 1);
    expect((await resolveToken(registry, deps)).password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
  });

  it('keeps identities apart', async () => {
    const { deps, source } = setup();
    await resolveToken(registry, deps);
    const other = await resolveToken(registry, { ...deps, identity: 'identity-b' });
    expect(other.password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
  });

  it('uses the cached token with a warning when a refresh fails and the token is still valid', async () => {
    const { deps, clock, logger } = setup();
    await resolveToken(registry, deps);
    clock.advance(8 * HOUR);
    const failing = { getAuthorizationToken: async () => Promise.reject(new TokenFetchError('throttled', 'ECR throttled')) };
    const token = await resolveToken(registry, { ...deps, loadTokenSource: async () => failing });
    expect(token.password).toBe('password-1');
    expect(logger.told.join('\n')).toMatch(/refreshing the token .* failed \(ECR throttled\); using the cached token/);
  });

  it('never hands out an expired token: a failed refresh of an expired token fails', async () => {
    const { deps, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(12 * HOUR - MIN_REMAINING_MS + 1);
    const failing = { getAuthorizationToken: async () => Promise.reject(new TokenFetchError('network', 'unreachable')) };
    await expect(resolveToken(registry, { ...deps, loadTokenSource: async () => failing })).rejects.toThrow('unreachable');
  });

  it('a freshly fetched token with less than 5 minutes left is a failed fetch: not cached, not handed out', async () => {
    const store = createMemoryStore();
    const { deps, clock } = setup(store);
    const short = {
      getAuthorizationToken: async () => ({ username: 'AWS', password: 'short', expiresAt: new Date(clock.now() + MIN_REMAINING_MS - 1) }),
    };
    await expect(resolveToken(registry, { ...deps, loadTokenSource: async () => short })).rejects.toThrow(
      /^ECR returned a token for .* that expires at .* \(300 s from now\), too soon to use: check the system clock$/,
    );
    expect(store.entries.size).toBe(0);
  });

  it('a short-lived fresh token does not replace a cached token that is still usable', async () => {
    const { deps, clock, logger } = setup();
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    const short = {
      getAuthorizationToken: async () => ({ username: 'AWS', password: 'short', expiresAt: new Date(clock.now() + 60_000) }),
    };
    const token = await resolveToken(registry, { ...deps, loadTokenSource: async () => short });
    expect(token.password).toBe('password-1');
    expect(logger.told).toEqual([
      expect.stringMatching(/^refreshing the token for .* failed \(ECR returned a token .* too soon to use: .*\); using the cached token/),
    ]);
  });

  it('a token without an expiry is handed out once and never cached', async () => {
    const store = createMemoryStore();
    const { deps, logger } = setup(store);
    const undated = { getAuthorizationToken: async () => ({ username: 'AWS', password: 'undated', expiresAt: undefined }) };
    const token = await resolveToken(registry, { ...deps, loadTokenSource: async () => undated });
    expect(token).toEqual({ username: 'AWS', password: 'undated', expiresAt: undefined });
    expect(store.entries.size).toBe(0);
    expect(logger.lines).toContain(`WARN the token for ${registry.host} came without an expiry time; using it once, not caching it`);
  });

  it.each([
    ['issued in the future (the clock stepped back)', (now: number) => ({ issuedAt: now + 3_600_000, expiresAt: now + 13 * HOUR })],
    ['a lifetime no ECR token has (1000 years)', (now: number) => ({ issuedAt: now - 1000, expiresAt: now + 1000 * 365 * 24 * HOUR })],
  ])('a cached token %s is not trusted: fetched again, and not the fallback when that fails', async (_what, times) => {
    const store = createMemoryStore();
    const { deps, clock, source } = setup(store);
    await store.put('identity-a', { host: registry.host, username: 'AWS', password: 'odd', ...times(clock.now()) });
    expect((await resolveToken(registry, deps)).password).toBe('password-1');
    expect(source.calls).toHaveLength(1);
    await store.put('identity-a', { host: registry.host, username: 'AWS', password: 'odd', ...times(clock.now()) });
    const failing = { getAuthorizationToken: async () => Promise.reject(new TokenFetchError('network', 'unreachable')) };
    await expect(resolveToken(registry, { ...deps, loadTokenSource: async () => failing })).rejects.toThrow('unreachable');
  });

  it('fetches anew when the cached token has expired', async () => {
    const { deps, clock, source } = setup();
    await resolveToken(registry, deps);
    clock.advance(13 * HOUR);
    expect((await resolveToken(registry, deps)).password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
  });

  it('still returns the token when the cache cannot be written, with one warning', async () => {
    const store: TokenStore = {
      get: async () => undefined,
      put: async () => Promise.reject(new CacheWriteError('cannot write token cache /x/tokens.json (EROFS)')),
      list: async () => [],
    };
    const { deps, logger } = setup(store);
    expect((await resolveToken(registry, deps)).password).toBe('password-1');
    expect(logger.told).toEqual(['cannot write token cache /x/tokens.json (EROFS); continuing without caching']);
  });

  it('takes one lock per registry and identity on a miss, and releases it', async () => {
    const { deps, locker, clock } = setup();
    const other = parseRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com') as Registry;
    await resolveToken(registry, deps);
    await resolveToken(registry, { ...deps, identity: 'identity-b' });
    await resolveToken(other, deps);
    clock.advance(13 * HOUR);
    await resolveToken(registry, deps);
    const [first, second, third, again] = locker.attempts;
    expect(locker.attempts).toHaveLength(4);
    expect(new Set([first, second, third]).size).toBe(3);
    expect(again).toBe(first);
    expect(locker.held.size).toBe(0);
  });

  it('waits while another process holds the lock and takes the token it cached', async () => {
    const store = createMemoryStore();
    const { deps, locker, source, clock } = setup(store);
    await resolveToken(registry, deps);
    const name = locker.attempts[0] ?? '';
    clock.advance(13 * HOUR);
    locker.holdExternally(name);
    const other = {
      host: registry.host,
      username: 'AWS',
      password: 'from-other-process',
      issuedAt: clock.now(),
      expiresAt: clock.now() + 12 * HOUR,
    };
    const sleepThenOtherFinishes = async (ms: number) => {
      clock.advance(ms);
      await store.put('identity-a', other);
    };
    const token = await resolveToken(registry, { ...deps, sleep: sleepThenOtherFinishes });
    expect(token.password).toBe('from-other-process');
    expect(source.calls).toHaveLength(1);
  });

  it('stops waiting for a stuck lock after the bound and fetches anyway', async () => {
    const { deps, locker, source, logger, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(13 * HOUR);
    locker.holdExternally(locker.attempts[0] ?? '');
    const started = clock.now();
    const token = await resolveToken(registry, { ...deps, maxLockWaitMs: 3000 });
    expect(token.password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
    expect(clock.now() - started).toBeGreaterThanOrEqual(3000);
    expect(clock.now() - started).toBeLessThan(3200);
    expect(logger.lines).toContain(`WARN waited 3000 ms for the token lock for ${registry.host}; going on without it`);
  });

  it('fetches without a lock when locking is unavailable (read-only cache directory)', async () => {
    const { deps, source } = setup();
    const token = await resolveToken(registry, { ...deps, locker: { tryLock: async () => ({ status: 'unavailable', reason: 'EROFS' }) } });
    expect(token.password).toBe('password-1');
    expect(source.calls).toHaveLength(1);
  });
});

describe('resolveToken with a background refresher', () => {
  /** A refresher that records its starts and says whether one started. */
  function refresher(starts = true) {
    const started: number[] = [];
    return { started, refreshInBackground: () => started.push(started.length + 1) > 0 && starts };
  }

  it('a token past half-life with more than 5 minutes left is answered from the cache, and the refresher started once', async () => {
    const { deps, source, loads, clock, locker } = setup();
    await resolveToken(registry, deps);
    clock.advance(6 * HOUR + 1);
    const background = refresher();
    const token = await resolveToken(registry, { ...deps, refreshInBackground: background.refreshInBackground });
    expect(token.password).toBe('password-1');
    expect(background.started).toEqual([1]);
    expect(source.calls).toHaveLength(1);
    expect(loads()).toBe(1);
    // No lock taken for it here: the refresher takes it.
    expect(locker.attempts).toHaveLength(1);
  });

  it('starts one refresher a minute: other gets due meanwhile answer from the cache', async () => {
    const { deps, source, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(6 * HOUR + 1);
    const locker = createFileLocker({ dir: makeTempDir(), logger: deps.logger, fsPlatform: hostFs() });
    const background = refresher();
    const due = { ...deps, locker, refreshInBackground: background.refreshInBackground };
    for (let i = 0; i < 5; i += 1) expect((await resolveToken(registry, due)).password).toBe('password-1');
    expect(background.started).toEqual([1]);
    clock.advance(59_000);
    await resolveToken(registry, due);
    expect(background.started).toEqual([1]);
    // A minute on (a refresh that failed), the next due get starts another.
    clock.advance(1_000);
    await resolveToken(registry, due);
    expect(background.started).toEqual([1, 2]);
    expect(source.calls).toHaveLength(1);
  });

  it('a fresh token starts nothing', async () => {
    const { deps, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(6 * HOUR - 1);
    const background = refresher();
    await resolveToken(registry, { ...deps, refreshInBackground: background.refreshInBackground });
    expect(background.started).toEqual([]);
  });

  it('refreshes before answering when the refresher could not start', async () => {
    const { deps, source, clock, logger } = setup();
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    const background = refresher(false);
    const token = await resolveToken(registry, { ...deps, refreshInBackground: background.refreshInBackground });
    expect(background.started).toEqual([1]);
    expect(token.password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
    expect(logger.lines).toContain(
      `WARN could not start a background refresh of the token for ${registry.host}; refreshing it before answering`,
    );
  });

  it('with 5 minutes or less left, the get fetches itself and starts nothing', async () => {
    const { deps, source, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(12 * HOUR - MIN_REMAINING_MS);
    const background = refresher();
    const token = await resolveToken(registry, { ...deps, refreshInBackground: background.refreshInBackground });
    expect(background.started).toEqual([]);
    expect(token.password).toBe('password-2');
    expect(source.calls).toHaveLength(2);
  });
});

describe('refreshToken (the background refresher)', () => {
  it('fetches and stores a new token while the cached one is due, under the token lock', async () => {
    const store = createMemoryStore();
    const { deps, source, clock, locker, logger } = setup(store);
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    expect(await refreshToken(registry, deps)).toBe('refreshed');
    expect(source.calls).toHaveLength(2);
    expect((await store.get(registry.host, 'identity-a'))?.password).toBe('password-2');
    expect(locker.attempts).toEqual([locker.attempts[0], locker.attempts[0]]);
    expect(locker.held.size).toBe(0);
    expect(logger.lines).toContain(
      `INFO refreshed the token for ${registry.host} in the background, valid until ${new Date(clock.now() + 12 * HOUR).toISOString()}`,
    );
  });

  it('calls nothing when another process has refreshed the token already', async () => {
    const { deps, source, clock } = setup();
    await resolveToken(registry, deps);
    clock.advance(HOUR);
    expect(await refreshToken(registry, deps)).toBe('already-fresh');
    expect(source.calls).toHaveLength(1);
  });

  it('waits for the lock another process holds, and finds the token it stored', async () => {
    const store = createMemoryStore();
    const { deps, source, clock, locker } = setup(store);
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    locker.holdExternally(locker.attempts[0] ?? '');
    const other = {
      host: registry.host,
      username: 'AWS',
      password: 'from-other',
      issuedAt: clock.now(),
      expiresAt: clock.now() + 12 * HOUR,
    };
    const sleep = async (ms: number) => {
      clock.advance(ms);
      await store.put('identity-a', other);
    };
    expect(await refreshToken(registry, { ...deps, sleep })).toBe('already-fresh');
    expect(source.calls).toHaveLength(1);
  });

  it('never fetches without the lock: a lock busy past the bound, or no locking at all, is a logged failure', async () => {
    const { deps, source, clock, locker, logger } = setup();
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    locker.holdExternally(locker.attempts[0] ?? '');
    expect(await refreshToken(registry, { ...deps, maxLockWaitMs: 1000 })).toBe('failed');
    const unavailable = { tryLock: async () => ({ status: 'unavailable' as const, reason: 'EROFS' }) };
    expect(await refreshToken(registry, { ...deps, locker: unavailable })).toBe('failed');
    expect(source.calls).toHaveLength(1);
    expect(logger.lines.filter((l) => l.includes('in the background failed'))).toEqual([
      expect.stringContaining(`(could not take the token lock for ${registry.host}: busy for 1000 ms)`),
      expect.stringContaining(`(could not take the token lock for ${registry.host}: EROFS)`),
    ]);
  });

  it('a failed fetch is logged, with no token, and leaves the cached entry as it was', async () => {
    const store = createMemoryStore();
    const { deps, clock, logger } = setup(store);
    const first = await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    const failing = createFakeTokenSource(clock.now, () => {
      throw new TokenFetchError('access-denied', 'access denied for the test');
    });
    expect(await refreshToken(registry, { ...deps, loadTokenSource: async () => failing })).toBe('failed');
    expect(await store.get(registry.host, 'identity-a')).toEqual(first);
    const until = new Date((first.expiresAt ?? 0) - MIN_REMAINING_MS).toISOString();
    expect(logger.lines).toContain(
      `WARN refreshing the token for ${registry.host} in the background failed (access denied for the test); the cached token stays in use until ${until}`,
    );
    expect(logger.lines.join('\n')).not.toContain('password-1');
  });

  it('a token it cannot cache is a logged failure', async () => {
    const store = createMemoryStore();
    const { deps, clock, logger } = setup(store);
    await resolveToken(registry, deps);
    clock.advance(7 * HOUR);
    const unwritable = { ...store, put: async () => Promise.reject(new CacheWriteError('cannot write tokens.json: EROFS')) };
    expect(await refreshToken(registry, { ...deps, store: unwritable })).toBe('failed');
    expect(logger.lines).toContainEqual(expect.stringMatching(/in the background failed \(cannot write tokens\.json: EROFS\)/));
  });
});

describe.each([
  [
    'file',
    (now: () => number) =>
      createFileStore({
        dir: path.join(makeTempDir(), 'cache'),
        now,
        logger: createMemoryLogger(),
        locker: createMemoryLocker(),
        fsPlatform: hostFs(),
      }),
  ],
  [
    'keychain',
    (now: () => number) =>
      createKeychainTokenStore({ keychain: createFakeKeychain(), now, logger: createMemoryLogger(), locker: createMemoryLocker() }),
  ],
])('after a clock correction, with the %s store', (_name, createStore) => {
  it('a full cache of entries written 10 h ahead does not lock new tokens out: 3 gets cost 3 calls, then none', async () => {
    const clock = createFakeClock();
    const store = createStore(clock.now);
    const { deps, source } = setup(store);
    // The clock runs 10 h fast while the cache fills up (one identity per CI job, say).
    clock.advance(10 * HOUR);
    for (let i = 0; i < MAX_ENTRIES; i += 1) {
      await resolveToken(registry, { ...deps, now: clock.now, identity: `job-${i}` });
    }
    expect(source.calls).toHaveLength(MAX_ENTRIES);
    // Corrected: those entries now read as issued 10 h in the future, never trusted.
    clock.advance(-10 * HOUR);
    const registries = ['210987654321', '111122223333', '444455556666'].map(
      (account) => parseRegistry(`${account}.dkr.ecr.us-east-1.amazonaws.com`) as Registry,
    );
    const getAll = async () => {
      for (const r of registries) await resolveToken(r, { ...deps, now: clock.now });
    };
    const calls = () => source.calls.length - MAX_ENTRIES;
    await getAll();
    expect(calls()).toBe(3);
    await getAll();
    expect(calls()).toBe(3);
  });
});
