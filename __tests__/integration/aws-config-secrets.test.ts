import * as fs from 'node:fs';
import * as path from 'node:path';
import { TEST_CREDENTIALS } from '../../emulator/ecr-emulator';
import { useEmulator } from '../helpers/emulator-fixture';
import { describeOnUnix } from '../helpers/platform';
import { runHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * What the user's AWS config can hold of secrets never reaches the log, at any level, nor
 * stderr nor doctor's report: a credential_process's command line (a password in argv) and
 * what it prints (a token on its stderr, the keys on its stdout).
 */

const HOST = '123456789012.dkr.ecr.eu-north-1.amazonaws.com';
const ARGV_SECRET = 'argv-password-Hx7Qm2Lp';
const STDERR_SECRET = 'stderr-token-Zr4Tn8Wd';
const emulator = useEmulator();

/** A HOME whose default profile gets its keys from `script` (a #!/bin/sh program, with the argv secret). */
function homeWithProcess(script: string): { home: string; log: string; env: Record<string, string> } {
  const home = makeTempDir();
  fs.mkdirSync(path.join(home, '.aws'));
  const program = path.join(home, 'credentials.sh');
  fs.writeFileSync(program, script, { mode: 0o755 });
  fs.writeFileSync(path.join(home, '.aws', 'config'), `[default]\ncredential_process = ${program} --password=${ARGV_SECRET}\n`);
  const env = { HOME: home, AWS_ECR_LOG_LEVEL: 'debug', AWS_ENDPOINT_URL_ECR: emulator.url, AWS_EC2_METADATA_DISABLED: 'true' };
  return { home, log: path.join(home, '.ecr', 'log', 'ecr-login.log'), env };
}

const expectNoSecret = (text: string): void => {
  for (const secret of [ARGV_SECRET, STDERR_SECRET, TEST_CREDENTIALS.allowed.secretAccessKey]) expect(text).not.toContain(secret);
};

describeOnUnix('secrets from the AWS config never reach the log, stderr or doctor', 'a #!/bin/sh credential_process', () => {
  it('a credential_process that fails: its command line and output are not logged, even at debug', async () => {
    const { log, env } = homeWithProcess(`#!/bin/sh\necho "${STDERR_SECRET}" >&2\nexit 3\n`);
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 1, stdout: 'credentials not found in native keychain\n' });
    expectNoSecret(out.stderr);
    const logged = fs.readFileSync(log, 'utf8');
    expectNoSecret(logged);
    // The failure itself is logged, without what it quoted.
    expect(logged).toContain('Command failed: [the credential_process command line and its output are not shown: they may hold secrets]');
    expect(emulator.calls).toHaveLength(0);
  });

  it('a credential_process that works: the keys it printed are not logged', async () => {
    const { accessKeyId, secretAccessKey } = TEST_CREDENTIALS.allowed;
    const { log, env } = homeWithProcess(
      `#!/bin/sh\necho "${STDERR_SECRET}" >&2\necho '{"Version":1,"AccessKeyId":"${accessKeyId}","SecretAccessKey":"${secretAccessKey}"}'\n`,
    );
    const out = await runHelper(['get'], HOST, env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expectNoSecret(fs.readFileSync(log, 'utf8'));
  });

  it('doctor: the report and stderr say the credentials failed, without the command line or its output', async () => {
    const { log, env } = homeWithProcess(`#!/bin/sh\necho "${STDERR_SECRET}" >&2\nexit 3\n`);
    const out = await runHelper(['doctor', HOST, '--json'], '', env);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as { checks: { name: string; status: string; detail: string }[] };
    expect(report.checks.find((c) => c.name === 'aws-credentials')).toMatchObject({ status: 'FAIL' });
    expectNoSecret(out.stdout);
    expectNoSecret(out.stderr);
    expectNoSecret(fs.readFileSync(log, 'utf8'));
  });
});
