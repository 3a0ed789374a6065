import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { SELF_KILLED } from '../helpers/platform';
import { runHelper, runProvider } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Fleet retries, end to end against the emulator's ECR: AWS_MAX_ATTEMPTS and AWS_RETRY_MODE as
 * the AWS SDKs read them (the variable, else the profile's max_attempts/retry_mode, else 3 and
 * standard), in docker and kubelet mode, and the command deadline over every retry. The
 * emulator throttles as ECR does: HTTP 400, ThrottlingException. AWS_ECR_MAX_BACKOFF keeps
 * each wait under 20 ms (the SDK's would be up to 1, 2, 4, 8 s after a throttle), except
 * where the waits are the point.
 */

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';
const THROTTLED = `ECR throttled the token request for ${HOST} even after retries (ThrottlingException); try again shortly or reduce parallel calls`;

const emulator = useEmulator();

const tokenStatuses = () => emulator.calls.filter((c) => c.action === 'GetAuthorizationToken').map((c) => c.status);

/** A fresh home (with `awsConfig` as ~/.aws/config when given), the emulator's keys, short waits. */
function environment(extra: Record<string, string> = {}, awsConfig?: string): Record<string, string> {
  const home = makeTempDir();
  if (awsConfig !== undefined) {
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(path.join(home, '.aws', 'config'), awsConfig);
  }
  return { HOME: home, ...emulator.env(), AWS_ECR_MAX_BACKOFF: '0.02', ...extra };
}

function kubeletRequest(image: string): string {
  return JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image });
}

describe('AWS_MAX_ATTEMPTS', () => {
  it('=6: a cold get through 4 throttles in a row succeeds on the 5th attempt', async () => {
    emulator.faults.throttleNext = 4;
    const out = await runHelper(['get'], HOST, environment({ AWS_MAX_ATTEMPTS: '6' }));
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
    expect(tokenStatuses()).toEqual([400, 400, 400, 400, 200]);
  });

  it('=6 in kubelet mode: the same 4 throttles, then the response', async () => {
    emulator.faults.throttleNext = 4;
    const out = await runProvider(['get-credentials'], kubeletRequest(`${HOST}/app`), environment({ AWS_MAX_ATTEMPTS: '6' }));
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout).auth[HOST].password).toBe(emulator.issued[0]?.password);
    expect(tokenStatuses()).toEqual([400, 400, 400, 400, 200]);
  });

  it('unset: 3 attempts, then not-found and its one line', async () => {
    emulator.faults.throttleNext = 4;
    const out = await runHelper(['get'], HOST, environment());
    expect(out).toMatchObject({ code: 1, stdout: NOT_FOUND, stderr: `ecr-login: ${THROTTLED}\n` });
    expect(tokenStatuses()).toEqual([400, 400, 400]);
  });

  it('unset in kubelet mode: 3 attempts, exit 1, the one line on stderr, stdout empty', async () => {
    emulator.faults.throttleNext = 4;
    const out = await runProvider(['get-credentials'], kubeletRequest(`${HOST}/app`), environment());
    expect(out).toMatchObject({ code: 1, stdout: '', stderr: `ecr-credential-provider: ${THROTTLED}\n` });
    expect(tokenStatuses()).toEqual([400, 400, 400]);
  });

  it('the profile’s max_attempts when the variable is unset; the variable over the profile', async () => {
    const awsConfig = '[default]\nmax_attempts = 5\n';
    emulator.faults.throttleNext = 1000;
    const fromProfile = await runHelper(['get'], HOST, environment({}, awsConfig));
    expect(fromProfile).toMatchObject({ code: 1, stdout: NOT_FOUND, stderr: `ecr-login: ${THROTTLED}\n` });
    expect(tokenStatuses()).toHaveLength(5);
    emulator.reset();
    emulator.faults.throttleNext = 1000;
    const fromEnv = await runHelper(['get'], HOST, environment({ AWS_MAX_ATTEMPTS: '2' }, awsConfig));
    expect(fromEnv).toMatchObject({ code: 1, stdout: NOT_FOUND });
    expect(tokenStatuses()).toHaveLength(2);
  });

  it('a value that is not a number of attempts: said on stderr, ignored (3 attempts)', async () => {
    emulator.faults.throttleNext = 1000;
    const out = await runHelper(['get'], HOST, environment({ AWS_MAX_ATTEMPTS: 'many' }));
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: AWS_MAX_ATTEMPTS=many is not a number of attempts from 1 to 100; ignoring it\necr-login: ${THROTTLED}\n`,
    });
    expect(tokenStatuses()).toHaveLength(3);
  });
});

describe('the command deadline bounds every retry', () => {
  // The SDK's own waits (AWS_ECR_MAX_BACKOFF unset: up to 1, 2, 4, 8 … s after each throttle)
  // and 100 attempts would take minutes; the command gives up at its deadline all the same.
  it('docker: not-found and the deadline’s line at AWS_ECR_COMMAND_TIMEOUT', async () => {
    emulator.faults.throttleNext = 1000;
    const { AWS_ECR_MAX_BACKOFF: _, ...env } = environment({ AWS_MAX_ATTEMPTS: '100', AWS_ECR_COMMAND_TIMEOUT: '2' });
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({
      ...SELF_KILLED,
      stdout: NOT_FOUND,
      stderr: 'ecr-login: gave up after 2 s without an answer (AWS_ECR_COMMAND_TIMEOUT=2); details in the log\n',
    });
    expect(tokenStatuses().length).toBeLessThan(100);
  });

  it('kubelet: exit at the deadline with its one line, stdout empty', async () => {
    emulator.faults.throttleNext = 1000;
    const { AWS_ECR_MAX_BACKOFF: _, ...env } = environment({ AWS_MAX_ATTEMPTS: '100', AWS_ECR_COMMAND_TIMEOUT: '2' });
    const out = await runProvider(['get-credentials'], kubeletRequest(`${HOST}/app`), env);
    expect(out).toMatchObject({
      stdout: '',
      stderr: 'ecr-credential-provider: gave up after 2 s without an answer (AWS_ECR_COMMAND_TIMEOUT=2); details in the log\n',
    });
    expect(out.code === 0).toBe(false);
    expect(tokenStatuses().length).toBeLessThan(100);
  });
});

describe('doctor shows the retry policy and what set it', () => {
  it.each<[string, Record<string, string>, string | undefined, string]>([
    ['the defaults', {}, undefined, 'retries: up to 3 attempts (default), standard mode (default)'],
    [
      'the variables',
      { AWS_MAX_ATTEMPTS: '6', AWS_RETRY_MODE: 'adaptive' },
      '[default]\nmax_attempts = 5\nretry_mode = standard\n',
      'retries: up to 6 attempts (AWS_MAX_ATTEMPTS), adaptive mode (AWS_RETRY_MODE)',
    ],
    [
      'the profile',
      { AWS_PROFILE: 'prod' },
      // With AWS_PROFILE the chain reads the profile's keys, not AWS_ACCESS_KEY_ID.
      `[profile prod]\nmax_attempts = 5\nretry_mode = adaptive\naws_access_key_id = ${TEST_CREDENTIALS.allowed.accessKeyId}\n` +
        `aws_secret_access_key = ${TEST_CREDENTIALS.allowed.secretAccessKey}\n`,
      'retries: up to 5 attempts (max_attempts in profile prod), adaptive mode (retry_mode in profile prod)',
    ],
  ])('%s', async (_what, extra, awsConfig, retries) => {
    const out = await runHelper(['doctor', '--json'], '', environment(extra, awsConfig));
    const report = JSON.parse(out.stdout) as { checks: { name: string; detail: string }[] };
    const detail = report.checks.find((c) => c.name === 'aws-credentials')?.detail ?? '';
    expect(detail.slice(detail.lastIndexOf('; ') + 2)).toBe(retries);
  });
});
