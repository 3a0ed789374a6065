import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFakeClock, createFakeTokenSource } from '../../helpers/fakes';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';

/** `docker-credential-ecr-login get-login-password …` through `run`, with a fake token source and a settings file of the test's. */
async function getLoginPassword(args: string[], settings?: object, programName = 'docker-credential-ecr-login') {
  const home = makeTempDir();
  const env: Record<string, string> = {};
  if (settings !== undefined) {
    env.AWS_ECR_CONFIG = path.join(home, 'settings.json');
    fs.writeFileSync(env.AWS_ECR_CONFIG, JSON.stringify(settings), { mode: 0o600 });
  }
  const clock = createFakeClock();
  const source = createFakeTokenSource(clock.now);
  const out = await runInProcess(['get-login-password', ...args], { env, programName, homeDir: home, now: clock.now, source });
  return { ...out, calls: source.calls.map((r) => r.host) };
}

describe('get-login-password', () => {
  it.each([ECR, `https://${ECR}/v2/`, `https://${ECR.toUpperCase()}:443/repo/app`, `  ${ECR}\n`])(
    'prints the password and a newline, nothing else, for %j',
    async (host) => {
      expect(await getLoginPassword([host])).toEqual({ code: 0, stdout: 'password-1\n', stderr: '', calls: [ECR] });
    },
  );

  it('answers under the provider name too (a command, not a kubelet request)', async () => {
    expect(await getLoginPassword([ECR], undefined, 'ecr-credential-provider')).toMatchObject({ code: 0, stdout: 'password-1\n' });
  });

  it("an alias gets its registry's password", async () => {
    const result = await getLoginPassword(['registry.example.com'], { aliases: { 'registry.example.com': ECR } });
    expect(result).toEqual({ code: 0, stdout: 'password-1\n', stderr: '', calls: [ECR] });
  });

  it.each([
    ['an exact registries key', { registries: { [ECR]: { profile: 'dev' } } }],
    ['an alias', { aliases: { 'registry.example.com': ECR } }],
    [
      'a key and an alias of the same registry, and a glob',
      { registries: { [ECR]: { profile: 'dev' }, '*.dkr.ecr.*.amazonaws.com': { profile: 'ci' } }, aliases: { 'r.example.com': ECR } },
    ],
  ])('without HOST: the one registry the settings file names (%s)', async (_what, settings) => {
    expect(await getLoginPassword([], settings)).toMatchObject({ code: 0, stdout: 'password-1\n', calls: [ECR] });
  });

  it.each([
    ['no settings file', undefined, 'names no registry'],
    ['two registries', { registries: { [ECR]: { profile: 'dev' } }, aliases: { 'r.example.com': OTHER } }, 'names 2 registries'],
  ])('without HOST and %s: one line asking for HOST, nothing on stdout, exit 1', async (_what, settings, why) => {
    const result = await getLoginPassword([], settings);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `ecr-login: get-login-password needs the registry: pass HOST, e.g. get-login-password 123456789012.dkr.ecr.us-east-1.amazonaws.com (the settings file ${why}; with exactly one, it is the default)\n`,
      calls: [],
    });
  });

  it.each(['', ' \n'])('an empty HOST (%j) is a usage error, not the default registry: one line, exit 1, no AWS call', async (host) => {
    // A settings file that names one registry: the default HOST would have answered.
    const result = await getLoginPassword([host], { registries: { [ECR]: { profile: 'dev' } } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'ecr-login: get-login-password: HOST is empty: pass the registry, e.g. get-login-password 123456789012.dkr.ecr.us-east-1.amazonaws.com, or leave HOST out for the one the settings file names\n',
      calls: [],
    });
  });

  it.each(['ghcr.io', `http://${ECR}`, `${ECR}.evil.example`])(
    'a host that is not ECR (%s): one line, exit 1, no AWS call',
    async (host) => {
      const result = await getLoginPassword([host]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `ecr-login: ${JSON.stringify(host)} is not an Amazon ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) nor an alias in the settings file\n`,
        calls: [],
      });
    },
  );
});
