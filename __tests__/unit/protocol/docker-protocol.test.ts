import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenSource } from '../../../src/aws/token-source';
import { TokenFetchError } from '../../../src/errors';
import { createFakeClock, createFakeKeychain, createFakeTokenSource } from '../../helpers/fakes';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

function setup(options: { env?: Record<string, string>; source?: TokenSource; programName?: string } = {}) {
  const home = makeTempDir();
  const clock = createFakeClock();
  const fake = createFakeTokenSource(clock.now);
  const source = options.source ?? fake;
  const keychain = createFakeKeychain();
  const invoke = (args: string[], input = '') =>
    runInProcess(args, {
      env: { AWS_ECR_CACHE_DIR: path.join(home, 'cache'), ...options.env },
      ...(options.programName ? { programName: options.programName } : {}),
      homeDir: home,
      input,
      now: clock.now,
      source,
      keychain,
    });
  return { home, clock, fake, keychain, invoke };
}

describe('get', () => {
  it('prints exactly the credentials JSON and a newline', async () => {
    const { invoke } = setup();
    const out = await invoke(['get'], ECR_HOST);
    expect(out).toEqual({
      code: 0,
      stdout: `{"ServerURL":"${ECR_HOST}","Username":"AWS","Secret":"password-1"}\n`,
      stderr: '',
    });
  });

  it('echoes the server URL as the client sent it, trimmed', async () => {
    const { invoke } = setup();
    const out = await invoke(['get'], `https://${ECR_HOST}/v2/\n`);
    expect(JSON.parse(out.stdout)).toEqual({ ServerURL: `https://${ECR_HOST}/v2/`, Username: 'AWS', Secret: 'password-1' });
  });

  it('answers a second call from the cache without calling the token source', async () => {
    const { invoke, fake } = setup();
    await invoke(['get'], ECR_HOST);
    const second = await invoke(['get'], ECR_HOST);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).Secret).toBe('password-1');
    expect(fake.calls).toHaveLength(1);
  });

  it('answers not-found for a registry that is not ECR, without any AWS call', async () => {
    const { invoke, fake } = setup();
    const out = await invoke(['get'], 'https://index.docker.io/v1/');
    expect(out).toEqual({ code: 1, stdout: 'credentials not found in native keychain\n', stderr: '' });
    expect(fake.calls).toHaveLength(0);
  });

  it.each(['', '\n', '   '])('answers "no credentials server URL" for empty input %j', async (input) => {
    const { invoke } = setup();
    expect(await invoke(['get'], input)).toMatchObject({ code: 1, stdout: 'no credentials server URL\n' });
  });

  it('on a token failure answers not-found on stdout and the hint on stderr', async () => {
    const failing: TokenSource = {
      getAuthorizationToken: async () => {
        throw new TokenFetchError('access-denied', 'access denied: arn:aws:iam::1:user/x is not allowed to call ecr:GetAuthorizationToken');
      },
    };
    const { invoke } = setup({ source: failing });
    const out = await invoke(['get'], ECR_HOST);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('credentials not found in native keychain\n');
    expect(out.stderr).toBe('ecr-login: access denied: arn:aws:iam::1:user/x is not allowed to call ecr:GetAuthorizationToken\n');
  });

  it('turns an unexpected crash into not-found and one line, never a stack trace', async () => {
    const broken: TokenSource = {
      getAuthorizationToken: async () => {
        throw new TypeError('boom');
      },
    };
    const { invoke } = setup({ source: broken });
    const out = await invoke(['get'], ECR_HOST);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('credentials not found in native keychain\n');
    expect(out.stderr).toContain('boom');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses input over 64 KiB with a clear message', async () => {
    const { invoke, fake } = setup();
    const out = await invoke(['get'], 'a'.repeat(64 * 1024 + 1));
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('input too large: more than 65536 bytes on standard input\n');
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses binary input', async () => {
    const { invoke } = setup();
    const out = await invoke(['get'], `${ECR_HOST}\u0000\u0001`);
    expect(out).toMatchObject({ code: 1, stdout: 'invalid input: binary data on standard input\n' });
  });

  it('works with the cache disabled, calling the source every time and writing nothing', async () => {
    const { invoke, fake, home } = setup({ env: { AWS_ECR_DISABLE_CACHE: '1' } });
    await invoke(['get'], ECR_HOST);
    await invoke(['get'], ECR_HOST);
    expect(fake.calls).toHaveLength(2);
    expect(fs.existsSync(path.join(home, 'cache', 'tokens.json'))).toBe(false);
  });
});

describe('list', () => {
  it('prints an empty object when nothing is cached', async () => {
    const { invoke } = setup();
    expect(await invoke(['list'])).toEqual({ code: 0, stdout: '{}\n', stderr: '' });
  });

  it('lists the cached registries as https://host -> AWS, sorted, without calling AWS', async () => {
    const { invoke, fake } = setup();
    await invoke(['get'], ECR_HOST);
    await invoke(['get'], 'public.ecr.aws');
    const out = await invoke(['list']);
    expect(out.stdout).toBe(`{"https://${ECR_HOST}":"AWS","https://public.ecr.aws":"AWS"}\n`);
    expect(fake.calls).toHaveLength(2);
  });

  it('leaves out expired tokens', async () => {
    const { invoke, clock } = setup();
    await invoke(['get'], ECR_HOST);
    clock.advance(13 * 3600_000);
    expect((await invoke(['list'])).stdout).toBe('{}\n');
  });
});

describe('store and erase', () => {
  const payload = (url: string, user = 'AWS') => JSON.stringify({ ServerURL: url, Username: user, Secret: 'pw' });

  it('store succeeds silently for an ECR host (docker login must not fail)', async () => {
    const { invoke } = setup();
    expect(await invoke(['store'], payload(`https://${ECR_HOST}`))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('erase succeeds silently for an ECR host', async () => {
    const { invoke } = setup();
    expect(await invoke(['erase'], ECR_HOST)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('store for another registry without a keychain fails with what is missing', async () => {
    const { invoke, keychain } = setup();
    keychain.unavailable = true;
    const out = await invoke(['store'], payload('https://index.docker.io/v1/'));
    expect(out.code).toBe(1);
    expect(out.stdout).toBe(
      'ecr-login cannot store credentials for https://index.docker.io/v1/: no usable Secret Service keychain (test): run one\n',
    );
  });

  it('erase for another registry that has nothing stored answers not-found', async () => {
    const { invoke } = setup();
    expect(await invoke(['erase'], 'ghcr.io')).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
  });

  it('AWS_ECR_IGNORE_CREDS_STORAGE=true makes store and erase no-ops for every host', async () => {
    const { invoke, keychain } = setup({ env: { AWS_ECR_IGNORE_CREDS_STORAGE: 'true' } });
    expect((await invoke(['store'], payload('ghcr.io'))).code).toBe(0);
    expect((await invoke(['erase'], 'ghcr.io')).code).toBe(0);
    expect(keychain.items.size).toBe(0);
  });

  it.each([
    [JSON.stringify({ Username: 'AWS', Secret: 'x' }), 'no credentials server URL\n'],
    [JSON.stringify({ ServerURL: ECR_HOST, Secret: 'x' }), 'no credentials username\n'],
    [JSON.stringify({ ServerURL: ECR_HOST, Username: '', Secret: 'x' }), 'no credentials username\n'],
    ['not json', 'invalid input: store expects a JSON object {"ServerURL","Username","Secret"}\n'],
    ['[1,2]', 'invalid input: store expects a JSON object {"ServerURL","Username","Secret"}\n'],
    [JSON.stringify({ ServerURL: 5, Username: 'a' }), 'invalid input: "ServerURL" must be a string\n'],
  ])('store %s -> %j', async (input, expected) => {
    const { invoke } = setup();
    expect(await invoke(['store'], input)).toMatchObject({ code: 1, stdout: expected });
  });

  it('erase with empty input answers "no credentials server URL"', async () => {
    const { invoke } = setup();
    expect(await invoke(['erase'], '')).toMatchObject({ code: 1, stdout: 'no credentials server URL\n' });
  });
});

describe('command line', () => {
  it.each([['version'], ['--version'], ['-v']])('%s prints the version and exits 0', async (arg) => {
    const { invoke } = setup();
    expect(await invoke([arg])).toEqual({ code: 0, stdout: 'docker-credential-ecr-login 9.8.7\n', stderr: '' });
  });

  it.each([['--help'], ['-h']])('%s prints usage on stdout and exits 0', async (arg) => {
    const { invoke } = setup();
    const out = await invoke([arg]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: docker-credential-ecr-login <get\|store\|erase\|list\|version>/);
    expect(out.stdout).toContain('credHelpers');
  });

  it.each([['get'], ['store'], ['erase'], ['list'], ['version']])('%s --help describes the action and exits 0', async (action) => {
    const { invoke } = setup();
    const out = await invoke([action, '--help']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(new RegExp(`^Usage: docker-credential-ecr-login ${action}`));
  });

  it.each([[[]], [['bogus']], [['get', 'extra']], [['--frobnicate']]])('%j prints usage on stdout and exits 1', async (args) => {
    const { invoke } = setup();
    const out = await invoke(args);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('Usage: docker-credential-ecr-login <get|store|erase|list|version>');
    expect(out.stderr).toBe('');
  });
});

describe('the kubelet side of the command line', () => {
  it.each([
    [[], 'ecr-credential-provider'],
    [['get-credentials'], 'ecr-credential-provider'],
    [['get-credentials', '--anything'], 'docker-credential-ecr-login'],
  ])('%j as %s reads a CredentialProviderRequest', async (args, programName) => {
    const { invoke, fake } = setup({ programName });
    const out = await invoke(
      args,
      JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image: `${ECR_HOST}/app` }),
    );
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout)).toMatchObject({
      kind: 'CredentialProviderResponse',
      auth: { [ECR_HOST]: { username: 'AWS', password: 'password-1' } },
    });
    expect(fake.calls).toHaveLength(1);
  });

  it('as ecr-credential-provider, a failure is one stderr line with its name, stdout empty', async () => {
    const { invoke } = setup({ programName: 'ecr-credential-provider' });
    expect(await invoke([], '{}')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ecr-credential-provider: invalid CredentialProviderRequest: kind is "", expected "CredentialProviderRequest"\n',
    });
  });

  it.each([['--version'], ['version']])('ecr-credential-provider %s prints the version', async (arg) => {
    const { invoke } = setup({ programName: 'ecr-credential-provider' });
    expect(await invoke([arg])).toEqual({ code: 0, stdout: 'docker-credential-ecr-login 9.8.7\n', stderr: '' });
  });

  it.each([['--help'], ['-h']])('ecr-credential-provider %s prints usage instead of waiting for a request', async (arg) => {
    const { invoke } = setup({ programName: 'ecr-credential-provider' });
    const out = await invoke([arg]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Usage: docker-credential-ecr-login /);
  });

  it.each([
    [
      ['kubelet-config', '--bogus'],
      "ecr-login: unknown option '--bogus' Usage: docker-credential-ecr-login <get|store|erase|list|version> | get-credentials | get-login-password [HOST] | kubelet-config | configure | doctor [options]\n",
    ],
    [
      ['kubelet-config', '--name', 'a: b\n  - name: evil'],
      'ecr-login: --name "a: b\\n  - name: evil" is not a file name kubelet can run: use letters, digits, ".", "_" and "-"\n',
    ],
    [
      ['kubelet-config', '--name', '..'],
      'ecr-login: --name ".." is not a file name kubelet can run: use letters, digits, ".", "_" and "-"\n',
    ],
  ])('kubelet-config mistakes go to stderr, never into the redirected config: %j', async (args, stderr) => {
    const { invoke } = setup();
    expect(await invoke(args)).toEqual({ code: 1, stdout: '', stderr });
  });

  it.each([['docker-credential-ecr-login'], ['ecr-credential-provider']])(
    'kubelet-config prints the CredentialProviderConfig (as %s)',
    async (programName) => {
      const { invoke } = setup({ programName });
      const out = await invoke(['kubelet-config', '--service-account', '--name', 'ecr']);
      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(out.stdout).toMatch(
        /^apiVersion: "kubelet\.config\.k8s\.io\/v1"\nkind: "CredentialProviderConfig"\nproviders:\n {2}- name: "ecr"\n/,
      );
      expect(out.stdout).toContain('    tokenAttributes:\n');
    },
  );
});

describe('credsStore mode: other registries in the keychain', () => {
  const payload = (url: string, user: string, secret: string) => JSON.stringify({ ServerURL: url, Username: user, Secret: secret });

  it('store, get, list, erase round-trip for a registry that is not ECR', async () => {
    const { invoke } = setup();
    expect(await invoke(['store'], payload('ghcr.io', 'octocat', 'ghp_secret'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await invoke(['get'], 'ghcr.io')).stdout).toBe('{"ServerURL":"ghcr.io","Username":"octocat","Secret":"ghp_secret"}\n');
    expect((await invoke(['list'])).stdout).toBe('{"ghcr.io":"octocat"}\n');
    expect((await invoke(['erase'], 'ghcr.io')).code).toBe(0);
    expect(await invoke(['get'], 'ghcr.io')).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
  });

  it('round-trips the <token> username (an identity token)', async () => {
    const { invoke } = setup();
    await invoke(['store'], payload('registry.example.com', '<token>', 'refresh-token-value'));
    expect(JSON.parse((await invoke(['get'], 'registry.example.com')).stdout)).toEqual({
      ServerURL: 'registry.example.com',
      Username: '<token>',
      Secret: 'refresh-token-value',
    });
  });

  it.each(['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io'])(
    'finds Docker Hub credentials as %s',
    async (asked) => {
      const { invoke } = setup();
      await invoke(['store'], payload('https://index.docker.io/v1/', 'hubuser', 'hubpass'));
      expect(JSON.parse((await invoke(['get'], asked)).stdout)).toMatchObject({ ServerURL: asked, Username: 'hubuser', Secret: 'hubpass' });
    },
  );

  it.each(['ftp://registry.example.com', 'host:99999', 'unix:/run/docker.sock'])(
    'a server URL that names no registry host (%s): store is an input error, get and erase find nothing',
    async (url) => {
      const { invoke, keychain } = setup();
      expect(await invoke(['store'], payload(url, 'u', 's'))).toEqual({
        code: 1,
        stdout: 'invalid input: "ServerURL" names no registry host\n',
        stderr: '',
      });
      expect(keychain.items.size).toBe(0);
      expect(await invoke(['get'], url)).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
      expect(await invoke(['erase'], url)).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
    },
  );

  it('keeps registries on different ports apart', async () => {
    const { invoke } = setup();
    await invoke(['store'], payload('localhost:5000', 'a', 'one'));
    await invoke(['store'], payload('localhost:5001', 'b', 'two'));
    expect(JSON.parse((await invoke(['get'], 'localhost:5000')).stdout).Secret).toBe('one');
    expect(JSON.parse((await invoke(['get'], 'http://localhost:5001/v2/')).stdout).Secret).toBe('two');
  });

  it('lists ECR tokens beside stored credentials', async () => {
    const { invoke } = setup();
    await invoke(['get'], ECR_HOST);
    await invoke(['store'], payload('ghcr.io', 'octocat', 'x'));
    expect((await invoke(['list'])).stdout).toBe(`{"ghcr.io":"octocat","https://${ECR_HOST}":"AWS"}\n`);
  });

  it('ECR hosts keep their behaviour: store is a no-op, get still asks ECR', async () => {
    const { invoke, keychain, fake } = setup();
    await invoke(['store'], payload(ECR_HOST, 'AWS', 'stale'));
    expect(keychain.items.size).toBe(0);
    expect(JSON.parse((await invoke(['get'], ECR_HOST)).stdout).Secret).toBe('password-1');
    expect(fake.calls).toHaveLength(1);
  });

  it('without a keychain: get for another registry is not-found with the reason on stderr', async () => {
    const { invoke, keychain } = setup();
    keychain.unavailable = true;
    const out = await invoke(['get'], 'ghcr.io');
    expect(out).toEqual({
      code: 1,
      stdout: 'credentials not found in native keychain\n',
      stderr: 'ecr-login: no usable Secret Service keychain (test): run one\n',
    });
  });

  it('without a keychain: list still lists the cached ECR tokens', async () => {
    const { invoke, keychain } = setup();
    await invoke(['get'], ECR_HOST);
    keychain.unavailable = true;
    expect(await invoke(['list'])).toEqual({ code: 0, stdout: `{"https://${ECR_HOST}":"AWS"}\n`, stderr: '' });
  });
});

describe('keychain token cache (AWS_ECR_CACHE_BACKEND=keychain)', () => {
  it('caches tokens in the keychain and writes no cache file', async () => {
    const { invoke, keychain, fake, home } = setup({ env: { AWS_ECR_CACHE_BACKEND: 'keychain' } });
    await invoke(['get'], ECR_HOST);
    const second = await invoke(['get'], ECR_HOST);
    expect(JSON.parse(second.stdout).Secret).toBe('password-1');
    expect(fake.calls).toHaveLength(1);
    expect([...keychain.items.values()].some((v) => v.includes('password-1'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'cache', 'tokens.json'))).toBe(false);
  });

  it('without a keychain, fetches a fresh token every time, says why once, and writes nothing to disk', async () => {
    const { invoke, keychain, fake, home } = setup({ env: { AWS_ECR_CACHE_BACKEND: 'keychain' } });
    keychain.unavailable = true;
    const first = await invoke(['get'], ECR_HOST);
    const second = await invoke(['get'], ECR_HOST);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(fake.calls).toHaveLength(2);
    expect(first.stderr).toBe(
      'ecr-login: not caching tokens: no usable Secret Service keychain (test): run one; or set AWS_ECR_CACHE_BACKEND=file to cache them in a file\n',
    );
    expect(fs.existsSync(path.join(home, 'cache', 'tokens.json'))).toBe(false);
  });

  it('warns about an unknown backend and uses the file', async () => {
    const { invoke, home } = setup({ env: { AWS_ECR_CACHE_BACKEND: 'vault' } });
    const out = await invoke(['get'], ECR_HOST);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('ecr-login: AWS_ECR_CACHE_BACKEND=vault is not a backend (file or keychain); using file\n');
    expect(fs.existsSync(path.join(home, 'cache', 'tokens.json'))).toBe(true);
  });
});
