import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { eachOnUnix, itOnUnix, SELF_KILLED } from '../helpers/platform';
import { runHelper, startHelper } from '../helpers/run-helper';
import { startSilentServer, startTricklingServer } from '../helpers/silent-server';
import { makeTempDir } from '../helpers/temp-dir';

/*
 * Every command answers within a bounded time, whatever stdin, the network or the files do.
 * The bounds asserted are outcomes (an answer, and which one); the jest timeout is the
 * backstop that turns a hang into a failure.
 */

const HOST = '123456789012.dkr.ecr.eu-west-3.amazonaws.com';
const NOT_FOUND = 'credentials not found in native keychain\n';
const FIFO = 'mkfifo: the Windows file system has no FIFOs';

const emulator = useEmulator();

function environment(extra: Record<string, string> = {}) {
  return { HOME: makeTempDir(), ...emulator.env(), ...extra };
}

describe('standard input that never closes', () => {
  it.each([['get'], ['erase']])('%s answers at the end of the first line', async (action) => {
    const out = await startHelper([action], `${HOST}\n`, environment(), undefined, { keepStdinOpen: true }).result;
    expect(out.code).toBe(0);
    if (action === 'get') expect(JSON.parse(out.stdout).Secret).toBe(emulator.issued[0]?.password);
  });

  it.each([['get'], ['store'], ['list']])('%s with nothing written gives up at the deadline with a clear answer', async (action) => {
    const out = await startHelper([action], '', environment({ AWS_ECR_COMMAND_TIMEOUT: '2' }), undefined, { keepStdinOpen: true }).result;
    if (action === 'list') {
      // list reads no input at all.
      expect(out).toMatchObject({ code: 0, stdout: '{}\n' });
      return;
    }
    expect(out).toMatchObject({ code: 1, stdout: 'no complete request on standard input within 1 s: write it and close stdin\n' });
  });

  it('kubelet mode with nothing written: one line on stderr at the deadline', async () => {
    const out = await startHelper(['get-credentials'], '', environment({ AWS_ECR_COMMAND_TIMEOUT: '2' }), undefined, {
      keepStdinOpen: true,
    }).result;
    expect(out).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'ecr-credential-provider: no complete request on standard input within 1 s: write it and close stdin\n',
    });
  });
});

describe('one deadline for the whole command', () => {
  it('a silent ECR endpoint: the command gives up at AWS_ECR_COMMAND_TIMEOUT with not-found and one line', async () => {
    const silent = await startSilentServer();
    try {
      const out = await runHelper(['get'], HOST, environment({ AWS_ENDPOINT_URL_ECR: silent.url, AWS_ECR_COMMAND_TIMEOUT: '2' }));
      expect(out).toMatchObject({
        // Answered, then ended without waiting for the abandoned work (see the entry point).
        ...SELF_KILLED,
        stdout: NOT_FOUND,
        stderr: 'ecr-login: gave up after 2 s without an answer (AWS_ECR_COMMAND_TIMEOUT=2); details in the log\n',
      });
    } finally {
      await silent.close();
    }
  });

  it('an ECR endpoint that answers at a trickle (no idle timeout fires): the command deadline ends it', async () => {
    const trickling = await startTricklingServer();
    try {
      const out = await runHelper(['get'], HOST, environment({ AWS_ENDPOINT_URL_ECR: trickling.url, AWS_ECR_COMMAND_TIMEOUT: '8' }));
      expect(out).toMatchObject({
        // Answered, then ended without waiting for the abandoned work (see the entry point).
        ...SELF_KILLED,
        stdout: NOT_FOUND,
        stderr: 'ecr-login: gave up after 8 s without an answer (AWS_ECR_COMMAND_TIMEOUT=8); details in the log\n',
      });
    } finally {
      await trickling.close();
    }
  }, 30_000);

  it('a silent container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) does not hang the command', async () => {
    const silent = await startSilentServer();
    try {
      const out = await runHelper(['get'], HOST, {
        HOME: makeTempDir(),
        AWS_ENDPOINT_URL_ECR: emulator.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${silent.url}/creds`,
        AWS_ECR_COMMAND_TIMEOUT: '10',
      });
      expect(out).toMatchObject({
        code: 1,
        stdout: NOT_FOUND,
        stderr:
          `ecr-login: no AWS credentials for ${HOST} within 5 s: a credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, ` +
          'instance metadata) or credential_process did not answer; check it, or set AWS_PROFILE or AWS_ACCESS_KEY_ID\n',
      });
      expect(emulator.calls).toEqual([]);
    } finally {
      await silent.close();
    }
  });
});

describe('AWS shared files that would hang or exhaust the SDK are refused before it loads', () => {
  eachOnUnix(
    [
      ['/dev/zero', () => '/dev/zero'],
      [
        'a FIFO',
        () => {
          const fifo = path.join(makeTempDir(), 'config');
          execFileSync('mkfifo', [fifo]);
          return fifo;
        },
      ],
    ] as [string, () => string][],
    '/dev/zero and mkfifo',
  )('AWS_CONFIG_FILE is %s', async (_what, make) => {
    const file = make();
    const out = await runHelper(['get'], HOST, environment({ AWS_CONFIG_FILE: file }));
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: AWS_CONFIG_FILE=${file} is not a regular file, which the AWS SDK cannot read: point AWS_CONFIG_FILE at your AWS config file\n`,
    });
    expect(emulator.calls).toEqual([]);
  });

  itOnUnix('AWS_CONFIG_FILE spelled ~/…, as the SDK expands it', FIFO, async () => {
    const home = makeTempDir();
    execFileSync('mkfifo', [path.join(home, 'fifo')]);
    const out = await runHelper(['get'], HOST, { ...environment(), HOME: home, AWS_CONFIG_FILE: '~/fifo' });
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: AWS_CONFIG_FILE=${path.join(home, 'fifo')} is not a regular file, which the AWS SDK cannot read: point AWS_CONFIG_FILE at your AWS config file\n`,
    });
  });

  eachOnUnix(
    [
      [
        'AWS_WEB_IDENTITY_TOKEN_FILE',
        (fifo: string) => ({ AWS_WEB_IDENTITY_TOKEN_FILE: fifo, AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/x' }),
        'AWS_WEB_IDENTITY_TOKEN_FILE',
      ],
      [
        'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
        (fifo: string) => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: fifo }),
        'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
      ],
    ] as [string, (fifo: string) => Record<string, string>, string][],
    FIFO,
  )('a token file the SDK would read (%s) that is a FIFO is refused at once', async (_what, variables, what) => {
    const fifo = path.join(makeTempDir(), 'token');
    execFileSync('mkfifo', [fifo]);
    const out = await runHelper(['get'], HOST, environment(variables(fifo)));
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: ${fifo} (${what}) is not a regular file, which the AWS SDK cannot read: point it at the token file\n`,
    });
  });

  itOnUnix('an SSO token cache file that is a FIFO is refused at once', FIFO, async () => {
    const home = makeTempDir();
    fs.mkdirSync(path.join(home, '.aws', 'sso', 'cache'), { recursive: true });
    fs.writeFileSync(
      path.join(home, '.aws', 'config'),
      '[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
    );
    // The SDK's file name: SHA-1 of the session name.
    const cache = path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
    execFileSync('mkfifo', [cache]);
    const out = await runHelper(['get'], HOST, {
      HOME: home,
      AWS_ENDPOINT_URL_ECR: emulator.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PROFILE: 'dev',
    });
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: ${cache} (the SSO token cache of profile dev) is not a regular file, which the AWS SDK cannot read: point it at the token file\n`,
    });
  });

  it('a credentials file over 1 MiB', async () => {
    const file = path.join(makeTempDir(), 'credentials');
    fs.writeFileSync(file, `[default]\n${'#'.repeat(1024 * 1024 + 1)}\n`);
    const out = await runHelper(['get'], HOST, environment({ AWS_SHARED_CREDENTIALS_FILE: file }));
    expect(out).toMatchObject({
      code: 1,
      stdout: NOT_FOUND,
      stderr: `ecr-login: AWS_SHARED_CREDENTIALS_FILE=${file} is larger than 1 MiB, which no AWS shared file is: check AWS_SHARED_CREDENTIALS_FILE\n`,
    });
  });
});
