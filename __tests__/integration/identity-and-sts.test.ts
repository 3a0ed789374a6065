import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

const HOST = '123456789012.dkr.ecr.us-east-2.amazonaws.com';

const emulator = useEmulator();

/** A HOME with shared AWS files: a static base profile and two assume-role profiles. */
function profileHome() {
  const home = makeTempDir();
  const aws = path.join(home, '.aws');
  fs.mkdirSync(aws);
  fs.writeFileSync(
    path.join(aws, 'config'),
    [
      '[profile base]',
      'region = us-east-2',
      '[profile pull]',
      'role_arn = arn:aws:iam::111122223333:role/ecr-pull',
      'source_profile = base',
      'region = us-east-2',
      '[profile push]',
      'role_arn = arn:aws:iam::111122223333:role/ecr-push',
      'source_profile = base',
      'region = us-east-2',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(aws, 'credentials'),
    `[base]\naws_access_key_id = ${TEST_CREDENTIALS.allowed.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.allowed.secretAccessKey}\n`,
  );
  const env: Record<string, string> = {
    HOME: home,
    AWS_ENDPOINT_URL_ECR: emulator.url,
    AWS_ENDPOINT_URL_STS: emulator.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return { home, env };
}

describe('assume-role profiles through STS', () => {
  it('assumes the role with STS, then signs the ECR call with the session keys', async () => {
    const { env } = profileHome();
    const out = await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'pull' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const sts = emulator.calls.filter((c) => c.service === 'sts');
    const ecr = emulator.calls.filter((c) => c.service === 'ecr');
    expect(sts).toEqual([
      expect.objectContaining({ action: 'AssumeRole', accessKeyId: TEST_CREDENTIALS.allowed.accessKeyId, status: 200 }),
    ]);
    expect(ecr).toEqual([expect.objectContaining({ status: 200, accessKeyId: expect.stringMatching(/^ASIA/) })]);
  });

  it('a cache hit with an assume-role profile makes zero STS and zero ECR calls', async () => {
    const { env } = profileHome();
    await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'pull' });
    emulator.calls.length = 0;
    const hit = await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'pull' });
    expect(hit.code).toBe(0);
    expect(emulator.calls).toEqual([]);
  });

  it('switching AWS_PROFILE returns the token of that profile, never the other one', async () => {
    const { env } = profileHome();
    const pull = JSON.parse((await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'pull' })).stdout).Secret;
    const push = JSON.parse((await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'push' })).stdout).Secret;
    const pullAgain = JSON.parse((await runHelper(['get'], HOST, { ...env, AWS_PROFILE: 'pull' })).stdout).Secret;
    expect(push).not.toBe(pull);
    expect(pullAgain).toBe(pull);
    expect(emulator.calls.filter((c) => c.service === 'ecr')).toHaveLength(2);
  });

  it('web identity (IRSA): AssumeRoleWithWebIdentity on a miss, nothing on a hit even after the token file rotates', async () => {
    const home = makeTempDir();
    const tokenFile = path.join(home, 'token');
    const subject = 'system:serviceaccount:ci:builder';
    emulator.serviceAccounts.trust('arn:aws:iam::111122223333:role/irsa', subject);
    fs.writeFileSync(tokenFile, emulator.serviceAccounts.issue(subject));
    const env = {
      HOME: home,
      AWS_ENDPOINT_URL_ECR: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-2',
      AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/irsa',
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    };
    const first = await runHelper(['get'], HOST, env);
    expect(first.stderr).toBe('');
    expect(emulator.calls.map((c) => `${c.service}:${c.action}:${c.status}`)).toEqual([
      'sts:AssumeRoleWithWebIdentity:200',
      'ecr:GetAuthorizationToken:200',
    ]);
    expect(emulator.calls[0]).toMatchObject({ roleArn: 'arn:aws:iam::111122223333:role/irsa', subject });
    fs.writeFileSync(tokenFile, emulator.serviceAccounts.issue(subject, { expiresInSeconds: 7200 }));
    emulator.calls.length = 0;
    const hit = await runHelper(['get'], HOST, env);
    expect(JSON.parse(hit.stdout).Secret).toBe(JSON.parse(first.stdout).Secret);
    expect(emulator.calls).toEqual([]);
  });
});
