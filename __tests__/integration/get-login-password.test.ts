import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import type { KnownCredential } from '../../emulator/sigv4-verifier';
import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * `get-login-password` run as the built helper against the local ECR emulator: the password
 * alone on stdout, from the cache `get` uses, with its single flight.
 */

const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';

const emulator = useEmulator();

function environment(extra: Record<string, string> = {}, credential: KnownCredential = TEST_CREDENTIALS.allowed) {
  const home = makeTempDir();
  return { home, cacheDir: path.join(home, '.ecr'), env: { HOME: home, ...emulator.env(credential), ...extra } };
}

const tokenCalls = () => emulator.calls.filter((c) => c.action === 'GetAuthorizationToken');

describe('get-login-password against the local ECR emulator', () => {
  it('prints exactly the password and a newline; a second call (and get) come from the cache with no AWS call', async () => {
    const { env } = environment();
    const first = await runHelper(['get-login-password', HOST], '', env);
    const password = emulator.issued[0]?.password;
    expect(password).toEqual(expect.any(String));
    expect(first).toMatchObject({ code: 0, stdout: `${password}\n`, stderr: '' });
    expect(tokenCalls()).toEqual([expect.objectContaining({ service: 'ecr', registryIds: ['123456789012'], region: 'eu-central-1' })]);

    const again = await runHelper(['get-login-password', `https://${HOST}/v2/`], '', env);
    expect(again).toMatchObject({ code: 0, stdout: `${password}\n`, stderr: '' });
    const get = await runHelper(['get'], HOST, env);
    expect(JSON.parse(get.stdout)).toMatchObject({ Secret: password });
    expect(emulator.calls).toHaveLength(1);
  });

  it('takes what get cached', async () => {
    const { env } = environment();
    const get = await runHelper(['get'], HOST, env);
    const result = await runHelper(['get-login-password', HOST], '', env);
    expect(result).toMatchObject({ code: 0, stdout: `${JSON.parse(get.stdout).Secret}\n`, stderr: '' });
    expect(emulator.calls).toHaveLength(1);
  });

  it('public.ecr.aws: an ECR Public token from us-east-1', async () => {
    const { env } = environment();
    const result = await runHelper(['get-login-password', 'public.ecr.aws'], '', env);
    expect(result).toMatchObject({ code: 0, stdout: `${emulator.issued[0]?.password}\n`, stderr: '' });
    expect(emulator.calls).toEqual([expect.objectContaining({ service: 'ecr-public', region: 'us-east-1' })]);
  });

  it('12 concurrent cold calls make one GetAuthorizationToken call and print the same password', async () => {
    emulator.faults.delayMs = 300;
    const { env } = environment();
    const results = await Promise.all(Array.from({ length: 12 }, () => runHelper(['get-login-password', HOST], '', env)));
    expect(results.map((r) => r.code)).toEqual(Array(12).fill(0));
    expect(new Set(results.map((r) => r.stdout))).toEqual(new Set([`${emulator.issued[0]?.password}\n`]));
    expect(tokenCalls()).toHaveLength(1);
  });

  it('an unknown host: one line on stderr, empty stdout, exit 1, no AWS call', async () => {
    const { env } = environment();
    const result = await runHelper(['get-login-password', 'registry.example.com'], '', env);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'ecr-login: "registry.example.com" is not an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) nor an alias in the settings file\n',
    });
    expect(emulator.calls).toEqual([]);
  });

  it('access denied: the reason in one line, empty stdout, exit 1, and no password on stderr', async () => {
    const { env } = environment({}, TEST_CREDENTIALS.denied);
    const result = await runHelper(['get-login-password', HOST], '', env);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^ecr-login: access denied for [^\n]+ecr:GetAuthorizationToken[^\n]+\n$/);
    expect(result.stderr).not.toContain(TEST_CREDENTIALS.denied.secretAccessKey);
  });

  it('honours the command deadline: one line, empty stdout, a failed exit', async () => {
    emulator.faults.delayMs = 5000;
    const { env } = environment({ AWS_ECR_COMMAND_TIMEOUT: '2' });
    const result = await runHelper(['get-login-password', HOST], '', env);
    // Past its deadline the process ends itself with SIGKILL, as every command does (entry/docker-credential-ecr-login.ts).
    expect(result.code).not.toBe(0);
    expect(result).toMatchObject({
      stdout: '',
      stderr: 'ecr-login: gave up after 2 s without an answer (AWS_ECR_COMMAND_TIMEOUT=2); details in the log\n',
    });
    expect(result.ms).toBeLessThan(4500);
  });
});
