import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TokenSource } from '../../../src/aws/token-source';
import { TokenFetchError } from '../../../src/errors';
import { run } from '../../../src/main';
import { createFakeClock, createFakeTokenSource, createSink, stdinOf } from '../../helpers/fakes';
import { makeTempDir } from '../../helpers/temp-dir';

const ECR_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

function setup(options: { env?: Record<string, string>; source?: TokenSource } = {}) {
  const home = makeTempDir();
  const clock = createFakeClock();
  const fake = createFakeTokenSource(clock.now);
  const source = options.source ?? fake;
  const invoke = async (args: string[], input = '') => {
    const stdout = createSink();
    const stderr = createSink();
    const code = await run(args, { stdin: stdinOf(input), stdout, stderr }, {
      env: { AWS_ECR_CACHE_DIR: path.join(home, 'cache'), ...options.env },
      homeDir: home,
      version: '9.8.7',
      now: clock.now,
      loadTokenSource: async () => source,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };
  return { home, clock, fake, invoke };
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
    expect(fs.existsSync(path.join(home, 'cache', 'cache.json'))).toBe(false);
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

  it('store for another registry answers a clear error', async () => {
    const { invoke } = setup();
    const out = await invoke(['store'], payload('https://index.docker.io/v1/'));
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^ecr-login cannot store credentials for https:\/\/index\.docker\.io\/v1\/: it only serves Amazon ECR registries/);
  });

  it('erase for another registry answers a clear error', async () => {
    const { invoke } = setup();
    const out = await invoke(['erase'], 'ghcr.io');
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^ecr-login cannot erase credentials for ghcr\.io/);
  });

  it('AWS_ECR_IGNORE_CREDS_STORAGE=true makes store and erase no-ops for every host', async () => {
    const { invoke } = setup({ env: { AWS_ECR_IGNORE_CREDS_STORAGE: 'true' } });
    expect((await invoke(['store'], payload('ghcr.io'))).code).toBe(0);
    expect((await invoke(['erase'], 'ghcr.io')).code).toBe(0);
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

  it.each([[[]], [['bogus']], [['get', 'extra']], [['--frobnicate']]])('%j prints usage on stdout and exits 1', async (args) => {
    const { invoke } = setup();
    const out = await invoke(args);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('Usage: docker-credential-ecr-login <get|store|erase|list|version>');
    expect(out.stderr).toBe('');
  });
});
