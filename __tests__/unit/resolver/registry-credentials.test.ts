import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RoleCredentials, TokenRequestOptions, TokenSource } from '../../../src/aws/token-source';
import type { Registry } from '../../../src/registry/parse-registry';
import { createFakeClock, createFakeKeychain } from '../../helpers/fakes';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

const HOST_A = '123456789012.dkr.ecr.us-east-2.amazonaws.com';
const HOST_B = '210987654321.dkr.ecr.us-east-2.amazonaws.com';
const PULL = 'arn:aws:iam::111122223333:role/ecr-pull';
const PUSH = 'arn:aws:iam::111122223333:role/ecr-push';

/**
 * The helper through `run`, with a token source that records the request options and, for a
 * role, asks the role credential cache (counting the STS calls it would make).
 */
function setup(settings: unknown, env: Record<string, string> = {}) {
  const home = makeTempDir();
  const cacheDir = path.join(home, 'cache');
  fs.mkdirSync(cacheDir, { mode: 0o700 });
  fs.writeFileSync(path.join(cacheDir, 'config.json'), JSON.stringify(settings));
  const clock = createFakeClock();
  const keychain = createFakeKeychain();
  const requests: { host: string; options: TokenRequestOptions | undefined; credentials?: RoleCredentials }[] = [];
  const assumed: string[] = [];
  const source: TokenSource = {
    async getAuthorizationToken(registry: Registry, options?: TokenRequestOptions) {
      const role = options?.assumeRole;
      const credentials = role
        ? await role.cached(async () => {
            assumed.push(role.roleArn);
            const n = assumed.length;
            return {
              accessKeyId: `ASIA${n}`,
              secretAccessKey: `secret-${n}`,
              sessionToken: `session-${n}`,
              expiration: new Date(clock.now() + 3600_000),
            };
          })
        : undefined;
      requests.push({ host: registry.host, options, ...(credentials ? { credentials } : {}) });
      return { username: 'AWS', password: `password-${requests.length}`, expiresAt: new Date(clock.now() + 12 * 3600_000) };
    },
  };
  const get = (serverUrl: string, action = 'get') =>
    runInProcess([action], {
      env: { AWS_ECR_CACHE_DIR: cacheDir, ...env },
      homeDir: home,
      input: serverUrl,
      now: clock.now,
      source,
      keychain,
    });
  return { cacheDir, clock, keychain, requests, assumed, get };
}

describe('per-registry credentials through the resolver', () => {
  it('passes the profile and the role (default session name ecr-login) to the token source', async () => {
    const { get, requests } = setup({
      registries: { [HOST_A]: { profile: 'prod' }, [HOST_B]: { roleArn: PULL, externalId: 'x-1' } },
    });
    await get(HOST_A);
    await get(HOST_B);
    await get('123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    expect(requests.map((r) => [r.host, r.options?.profile, r.options?.assumeRole?.roleArn, r.options?.assumeRole?.sessionName])).toEqual([
      [HOST_A, 'prod', undefined, undefined],
      [HOST_B, undefined, PULL, 'ecr-login'],
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', undefined, undefined, undefined],
    ]);
    expect(requests[1]?.options?.assumeRole?.externalId).toBe('x-1');
    expect(requests[2]?.options).toEqual({});
  });

  it('keychain backend: role credentials are kept in the keychain, reused across registries, never in a file', async () => {
    const { get, keychain, assumed, requests, cacheDir } = setup(
      { registries: { '*.dkr.ecr.us-east-2.amazonaws.com': { roleArn: PULL } } },
      { AWS_ECR_CACHE_BACKEND: 'keychain' },
    );
    expect((await get(HOST_A)).code).toBe(0);
    expect((await get(HOST_B)).code).toBe(0);
    expect(assumed).toEqual([PULL]);
    expect(requests.map((r) => r.credentials?.accessKeyId)).toEqual(['ASIA1', 'ASIA1']);
    const secrets = [...keychain.items.values()].join('\n');
    expect(secrets).toContain('secret-1');
    expect(secrets).toContain('session-1');
    expect(fs.readdirSync(cacheDir)).not.toContain('tokens.json');
    for (const file of fs.readdirSync(cacheDir, { recursive: true }) as string[]) {
      const full = path.join(cacheDir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full, 'utf8')).not.toContain('secret-1');
    }
  });

  it('list never shows cached role credentials, even under a glob that matches their entry key', async () => {
    // `*` matches any one-label name, and the role entry's key (`sts-role:<arn>`) has no dot.
    const { get } = setup({ registries: { '*': { roleArn: PULL }, [HOST_A]: { roleArn: PULL } } });
    expect((await get(HOST_A)).code).toBe(0);
    const listed = await get('', 'list');
    expect(listed).toMatchObject({ code: 0 });
    expect(JSON.parse(listed.stdout)).toEqual({ [`https://${HOST_A}`]: 'AWS' });
  });

  it('role credentials are used until 10 minutes before they expire, then assumed again', async () => {
    const { get, clock, assumed, requests } = setup({ registries: { '*.dkr.ecr.us-east-2.amazonaws.com': { roleArn: PULL } } });
    await get(HOST_A);
    clock.advance(49 * 60_000);
    await get(HOST_B);
    expect(assumed).toEqual([PULL]);
    clock.advance(2 * 60_000);
    await get('999999999999.dkr.ecr.us-east-2.amazonaws.com');
    expect(assumed).toEqual([PULL, PULL]);
    expect(requests.map((r) => r.credentials?.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA2']);
  });

  it('a different role, session name or external id is a different identity: no shared token', async () => {
    const variants = [
      { roleArn: PULL },
      { roleArn: PUSH },
      { roleArn: PULL, roleSessionName: 'other' },
      { roleArn: PULL, externalId: 'e-2' },
    ];
    const passwords = new Set<string>();
    const { get, cacheDir } = setup({});
    for (const variant of variants) {
      fs.writeFileSync(path.join(cacheDir, 'config.json'), JSON.stringify({ registries: { [HOST_A]: variant } }));
      passwords.add(JSON.parse((await get(HOST_A)).stdout).Secret);
    }
    expect(passwords.size).toBe(variants.length);
  });
});

describe('aliases in store and erase', () => {
  it('docker login/logout for an alias succeed with nothing kept, as for ECR hosts; other hosts still reach the keychain', async () => {
    const { cacheDir, keychain } = setup({ aliases: { 'registry.example.com': HOST_A } });
    const home = path.dirname(cacheDir);
    const noTokens: TokenSource = {
      getAuthorizationToken: async () => {
        throw new Error('no token source for store/erase');
      },
    };
    const invoke = async (action: string, input: string) => {
      const { code, stdout } = await runInProcess([action], {
        env: { AWS_ECR_CACHE_DIR: cacheDir },
        homeDir: home,
        input,
        now: () => 0,
        source: noTokens,
        keychain,
      });
      return { code, stdout };
    };
    const login = (url: string) => JSON.stringify({ ServerURL: url, Username: 'u', Secret: 's' });
    expect(await invoke('store', login('https://registry.example.com'))).toEqual({ code: 0, stdout: '' });
    expect(await invoke('erase', 'registry.example.com')).toEqual({ code: 0, stdout: '' });
    expect(keychain.items.size).toBe(0);
    expect(await invoke('store', login('ghcr.io'))).toEqual({ code: 0, stdout: '' });
    expect(keychain.items.size).toBe(1);
  });
});
