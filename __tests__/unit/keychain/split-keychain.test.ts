import fc from 'fast-check';
import { KeychainUnavailableError } from '../../../src/errors';
import { createCredentialStore } from '../../../src/keychain/credential-store';
import { resolveKeychainItemLimit } from '../../../src/keychain/keychain-item-limit';
import { countKeychainItems, createSplitKeychain, MAX_PARTS } from '../../../src/keychain/split-keychain';
import { createKeychainTokenStore, TOKEN_SERVICE } from '../../../src/store/keychain-token-store';
import { createFakeClock, createFakeKeychainBlobs, createMemoryLocker, createMemoryLogger, createTokenFactory } from '../../helpers/fakes';
import { seededRandom } from '../../helpers/seeded-random';

const SERVICE = 'svc';
const CREDENTIALS_SERVICE = 'docker-credential-ecr-login/credentials';

/** `length` characters of base64, the alphabet of ECR passwords and refresh tokens, the same on every run. */
function base64Text(length: number, seed: number): string {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)))
    .toString('base64')
    .slice(0, length);
}

/** A cached token item as the keychain token store writes it: an ECR password of 2,900 characters. */
const TOKEN_ITEM = JSON.stringify({
  host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  username: 'AWS',
  password: base64Text(2900, 1),
  issuedAt: 1767225600000,
  expiresAt: 1767268800000,
});
/** An ACR refresh token of 3.2 KB, as `docker login` hands it to `store`. */
const REFRESH_TOKEN = base64Text(3200, 2);

function setup(platform: NodeJS.Platform, chosen?: number) {
  const maxItemBytes = resolveKeychainItemLimit(platform, chosen);
  // The fake applies Windows' own rules there: blobs over 2,560 bytes refused, enumeration as UTF-16.
  const blobs = createFakeKeychainBlobs(platform === 'win32' ? { maxBlobBytes: 2560, enumerateAsUtf16: true } : {});
  return { blobs, keychain: createSplitKeychain(blobs, { platform, maxItemBytes }), maxItemBytes };
}

const accountsOf = (blobs: ReturnType<typeof createFakeKeychainBlobs>) => [...blobs.items.keys()].map((k) => k.split('\0')[1] ?? '').sort();

describe('the limit for one item, per platform', () => {
  it.each<[NodeJS.Platform, number | undefined, number | undefined]>([
    ['win32', undefined, 2560],
    ['darwin', undefined, 16384],
    ['linux', undefined, undefined],
    ['freebsd', undefined, undefined],
    ['win32', 1000, 1000],
    ['win32', 100_000, 2560],
    ['linux', 1000, 1000],
  ])('%s, AWS_ECR_KEYCHAIN_ITEM_BYTES=%s: %s', (platform, chosen, limit) => {
    expect(resolveKeychainItemLimit(platform, chosen)).toBe(limit);
  });
});

describe.each<[string, NodeJS.Platform, number]>([
  ['Windows (2,560 bytes an item)', 'win32', 3],
  ['macOS (16 KiB an item)', 'darwin', 1],
  ['Linux (no limit)', 'linux', 1],
])('%s', (_name, platform, tokenItems) => {
  it(`a token item with a 2,900-character ECR password takes ${tokenItems} item(s), reads back whole, and is listed once`, async () => {
    const { blobs, keychain, maxItemBytes } = setup(platform);
    await keychain.set(SERVICE, 'abc123', TOKEN_ITEM);
    expect(blobs.items.size).toBe(tokenItems);
    expect(countKeychainItems(TOKEN_ITEM, maxItemBytes)).toBe(tokenItems);
    expect(await keychain.get(SERVICE, 'abc123')).toBe(TOKEN_ITEM);
    expect(await keychain.list(SERVICE)).toEqual([{ account: 'abc123', secret: TOKEN_ITEM }]);
    for (const blob of blobs.items.values()) {
      expect(blob.length).toBeLessThanOrEqual(maxItemBytes ?? Number.POSITIVE_INFINITY);
      // Printable ASCII (and a newline of padding) of even length: UTF-8 and UTF-16LE text alike.
      expect(blob.length % 2).toBe(0);
      expect([...blob].every((b) => (b >= 0x20 && b <= 0x7e) || b === 0x0a)).toBe(true);
    }
  });

  it('credsStore: a 3.2 KB refresh token is stored, got, listed once and erased completely', async () => {
    const { blobs, keychain } = setup(platform);
    const store = createCredentialStore(keychain);
    await store.store({ ServerURL: 'myregistry.azurecr.io', Username: '<token>', Secret: REFRESH_TOKEN });
    await store.store({ ServerURL: 'ghcr.io', Username: 'me', Secret: 'short' });
    expect(await store.get('https://myregistry.azurecr.io')).toEqual({
      ServerURL: 'myregistry.azurecr.io',
      Username: '<token>',
      Secret: REFRESH_TOKEN,
    });
    expect(await store.list()).toEqual(
      new Map([
        ['myregistry.azurecr.io', '<token>'],
        ['ghcr.io', 'me'],
      ]),
    );
    expect(await store.erase('myregistry.azurecr.io')).toBe(true);
    expect(accountsOf(blobs)).toEqual(['ghcr.io']);
    expect(await store.get('myregistry.azurecr.io')).toBeUndefined();
    expect(await store.erase('myregistry.azurecr.io')).toBe(false);
  });

  it('a secret with letters outside ASCII (and %) round-trips, and listing still works', async () => {
    const { keychain } = setup(platform);
    const secret = `ضاد-é-😀-100%-${REFRESH_TOKEN}`;
    await keychain.set(SERVICE, 'a', secret);
    await keychain.set(SERVICE, 'b', 'ضا');
    expect(await keychain.get(SERVICE, 'a')).toBe(secret);
    expect(await keychain.list(SERVICE)).toEqual([
      { account: 'a', secret },
      { account: 'b', secret: 'ضا' },
    ]);
  });
});

describe('Windows: what setPassword cannot do', () => {
  it('the fake refuses as Windows does: a token item as UTF-16 (setPassword) is over 2,560 bytes', async () => {
    const blobs = createFakeKeychainBlobs({ maxBlobBytes: 2560 });
    await expect(blobs.set(SERVICE, 'a', Buffer.from(TOKEN_ITEM, 'utf16le'))).rejects.toThrow(/longer than platform limit/);
  });

  it('the fake enumerates as Windows does: one blob that is not UTF-16 fails the whole list', async () => {
    const blobs = createFakeKeychainBlobs({ enumerateAsUtf16: true });
    await blobs.set(SERVICE, 'odd', Buffer.from('abc'));
    await expect(blobs.list(SERVICE)).rejects.toThrow(/Not a valid utf16 blob/);
  });
});

describe('items written by earlier versions (setPassword, no mark)', () => {
  it.each<[NodeJS.Platform, BufferEncoding]>([
    ['win32', 'utf16le'],
    ['linux', 'utf8'],
    ['darwin', 'utf8'],
  ])('%s: read in %s by get and list, and rewritten in the new form by set', async (platform, encoding) => {
    const { blobs, keychain } = setup(platform);
    const old = '{"ServerURL":"ghcr.io","Username":"me","Secret":"pé"}';
    blobs.items.set(`${SERVICE}\0ghcr.io`, Buffer.from(old, encoding));
    blobs.items.set(`${SERVICE}\0.salt`, Buffer.from('0123456789abcdef0123456789abcdef', encoding));
    expect(await keychain.get(SERVICE, 'ghcr.io')).toBe(old);
    expect(await keychain.list(SERVICE)).toEqual([
      { account: 'ghcr.io', secret: old },
      { account: '.salt', secret: '0123456789abcdef0123456789abcdef' },
    ]);
    await keychain.set(SERVICE, 'ghcr.io', old);
    expect(blobs.items.get(`${SERVICE}\0ghcr.io`)?.toString('latin1')).toBe(
      '~1={"ServerURL":"ghcr.io","Username":"me","Secret":"p%C3%A9"}\n',
    );
    expect(await keychain.get(SERVICE, 'ghcr.io')).toBe(old);
  });
});

describe('split values: whole or missing, never half', () => {
  const LIMIT = 1000;
  const value = base64Text(3500, 3);
  const other = base64Text(3500, 4);
  const key = (account: string) => `${SERVICE}\0${account}`;

  async function written(v = value) {
    const { blobs, keychain } = setup('linux', LIMIT);
    await keychain.set(SERVICE, 'a', v);
    return { blobs, keychain };
  }

  it('parts first, then the header, each at most the limit; the parts are `<account>#<n>`', async () => {
    const { blobs } = await written();
    expect(blobs.calls).toEqual(['get a', 'set a#1', 'set a#2', 'set a#3', 'set a#4', 'set a', 'get a#5']);
    expect(accountsOf(blobs)).toEqual(['a', 'a#1', 'a#2', 'a#3', 'a#4']);
    expect(blobs.items.get(key('a'))?.toString('latin1')).toMatch(/^~1#4:[0-9a-f]{64}\n$/);
    expect([...blobs.items.values()].every((b) => b.length <= LIMIT)).toBe(true);
  });

  it('a missing part: get is missing; list names the account once with no secret (for pruning), never a part', async () => {
    const { blobs, keychain } = await written();
    blobs.items.delete(key('a#2'));
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
    expect(await keychain.list(SERVICE)).toEqual([{ account: 'a', secret: undefined }]);
  });

  it('a part of another write (same size): the checksum makes it missing', async () => {
    const { blobs, keychain } = await written();
    const theirs = (await written(other)).blobs;
    blobs.items.set(key('a#3'), theirs.items.get(key('a#3')) ?? Buffer.alloc(0));
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
    expect(await keychain.list(SERVICE)).toEqual([{ account: 'a', secret: undefined }]);
    // The next write makes it whole again.
    await keychain.set(SERVICE, 'a', other);
    expect(await keychain.get(SERVICE, 'a')).toBe(other);
  });

  it('a part that is not one (a whole value under a part’s name): missing', async () => {
    const { blobs, keychain } = await written();
    blobs.items.set(key('a#1'), Buffer.from('~1=x\n', 'latin1'));
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
  });

  it(`a header naming more than ${MAX_PARTS} parts: missing, and no part is read`, async () => {
    const { blobs, keychain } = await written();
    blobs.items.set(key('a'), Buffer.from(`~1#${MAX_PARTS + 1}:${'0'.repeat(64)}\n`, 'latin1'));
    blobs.calls.length = 0;
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
    expect(blobs.calls).toEqual(['get a']);
  });

  it('a reader during a rewrite sees the old value, the new one or nothing; never a mix', async () => {
    const { blobs, keychain } = await written();
    const seen = new Set<string | undefined>();
    blobs.afterWrite = async () => {
      seen.add(await keychain.get(SERVICE, 'a'));
    };
    await keychain.set(SERVICE, 'a', other);
    expect([...seen].every((v) => v === undefined || v === value || v === other)).toBe(true);
    expect(seen.has(undefined)).toBe(true);
    expect(await keychain.get(SERVICE, 'a')).toBe(other);
  });

  it('a write killed after two parts leaves the value missing (not half); the next write cleans up', async () => {
    const { blobs, keychain } = await written();
    blobs.failSetsAfter = 2;
    await expect(keychain.set(SERVICE, 'a', other)).rejects.toThrow('killed');
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
    blobs.failSetsAfter = undefined;
    await keychain.set(SERVICE, 'a', 'short now');
    expect(await keychain.get(SERVICE, 'a')).toBe('short now');
    expect(accountsOf(blobs)).toEqual(['a']);
  });

  it('a shorter value removes the parts it no longer needs, the highest first', async () => {
    const { blobs, keychain } = await written();
    blobs.calls.length = 0;
    await keychain.set(SERVICE, 'a', base64Text(1500, 5));
    expect(accountsOf(blobs)).toEqual(['a', 'a#1', 'a#2']);
    expect(blobs.calls).toEqual(['get a', 'set a#1', 'set a#2', 'set a', 'get a#5', 'delete a#4', 'delete a#3']);
  });

  it('a part deleted behind its back (a gap): the next write still removes every part the old header named', async () => {
    const { blobs, keychain } = await written();
    blobs.items.delete(key('a#2'));
    await keychain.set(SERVICE, 'a', 'whole');
    expect(accountsOf(blobs)).toEqual(['a']);
    await keychain.set(SERVICE, 'b', value);
    blobs.items.delete(key('b#3'));
    expect(await keychain.delete(SERVICE, 'b')).toBe(true);
    expect(accountsOf(blobs)).toEqual(['a']);
  });

  it('parts left above a cut-short removal (#3, #4) are found and removed by the next write', async () => {
    const { blobs, keychain } = await written();
    await keychain.set(SERVICE, 'a', 'whole');
    blobs.items.set(key('a#3'), Buffer.from('~1+x\n', 'latin1'));
    blobs.items.set(key('a#4'), Buffer.from('~1+y\n', 'latin1'));
    await keychain.set(SERVICE, 'a', base64Text(1500, 6));
    expect(accountsOf(blobs)).toEqual(['a', 'a#1', 'a#2']);
  });

  it('delete removes the header first, then every part; false when nothing was there', async () => {
    const { blobs, keychain } = await written();
    blobs.calls.length = 0;
    expect(await keychain.delete(SERVICE, 'a')).toBe(true);
    expect(blobs.items.size).toBe(0);
    expect(blobs.calls.filter((c) => c.startsWith('delete'))).toEqual(['delete a', 'delete a#4', 'delete a#3', 'delete a#2', 'delete a#1']);
    expect(await keychain.delete(SERVICE, 'a')).toBe(false);
  });

  it('parts whose header is gone: listed once under their account with no secret; delete removes them', async () => {
    const { blobs, keychain } = await written();
    blobs.items.delete(key('a'));
    await keychain.set(SERVICE, 'b', 'other item');
    expect(await keychain.get(SERVICE, 'a')).toBeUndefined();
    expect(await keychain.list(SERVICE)).toEqual([
      { account: 'b', secret: 'other item' },
      { account: 'a', secret: undefined },
    ]);
    expect(await keychain.delete(SERVICE, 'a')).toBe(true);
    expect(accountsOf(blobs)).toEqual(['b']);
  });

  it('a value that needs more than MAX_PARTS items is refused before anything is written', async () => {
    const { blobs, keychain } = setup('linux', 256);
    const write = keychain.set(SERVICE, 'a', 'x'.repeat(252 * MAX_PARTS + 1));
    await expect(write).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(write).rejects.toThrow(`does not fit in ${MAX_PARTS} keychain items of at most 256 bytes`);
    expect(blobs.items.size).toBe(0);
  });

  it('any text round-trips at any limit, in items within it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 256, max: 3000 }), async (text, limit) => {
        const { blobs, keychain } = setup('linux', limit);
        await keychain.set(SERVICE, 'k', text);
        expect(await keychain.get(SERVICE, 'k')).toBe(text);
        expect(await keychain.list(SERVICE)).toEqual([{ account: 'k', secret: text }]);
        expect([...blobs.items.values()].every((b) => b.length <= limit && b.length % 2 === 0)).toBe(true);
        expect(await keychain.delete(SERVICE, 'k')).toBe(true);
        expect(blobs.items.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the keychain token cache over Windows-sized items', () => {
  it('caches a token with a 2,900-character password; a broken split item is pruned (header and parts) on the next put', async () => {
    const clock = createFakeClock();
    const { blobs, keychain } = setup('win32');
    const store = createKeychainTokenStore({ keychain, logger: createMemoryLogger(), now: clock.now, locker: createMemoryLocker() });
    const token = createTokenFactory(clock.now);
    const big = token('a.example', base64Text(2900, 7));
    await store.put('me', big);
    expect(await store.get('a.example', 'me')).toEqual(big);
    const header = accountsOf(blobs).find((a) => a !== '.salt' && !a.includes('#')) ?? '';
    expect(accountsOf(blobs)).toEqual(['.salt', header, `${header}#1`, `${header}#2`].sort());
    blobs.items.delete(`${TOKEN_SERVICE}\0${header}#2`);
    expect(await store.get('a.example', 'me')).toBeUndefined();
    await store.put('me', token('b.example', base64Text(2900, 8)));
    expect(accountsOf(blobs).filter((a) => a.startsWith(header))).toEqual([]);
    expect(accountsOf(blobs)).toHaveLength(4);
  });

  it('credsStore keeps its items apart from the token items', async () => {
    const { blobs, keychain } = setup('win32');
    await createCredentialStore(keychain).store({ ServerURL: 'ghcr.io', Username: 'u', Secret: REFRESH_TOKEN });
    expect([...blobs.items.keys()].every((k) => k.startsWith(`${CREDENTIALS_SERVICE}\0`))).toBe(true);
  });
});
