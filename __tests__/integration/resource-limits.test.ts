import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/emulator-fixture';
import { describeOnLinux, findProgram, mustRun } from '../helpers/platform';
import { type ProgramResult, runProgram } from '../helpers/program-runs';
import { itAsRoot } from '../helpers/root';
import { HELPER_COMMAND, helperCommandForAnyUser, PROVIDER_COMMAND, RUNTIME, startHelper } from '../helpers/run-helper';
import { makeTempDir } from '../helpers/temp-dir';
import { testPath } from '../helpers/test-path';

/*
 * Resource limits of CI sandboxes (`prlimit`, util-linux): whatever a limit breaks, the helper
 * gives its answer (or fails with one line), and no signal handler of a dependency decides
 * the exit. Under `ulimit -f`, a write past the limit fails with EFBIG and the kernel sends
 * SIGXFSZ, which `signal-exit` (via proper-lockfile) used to re-raise: status 153, no answer.
 */

const HOST = '123456789012.dkr.ecr.ap-northeast-3.amazonaws.com';
const emulator = useEmulator();
const PRLIMIT = findProgram('prlimit');

/** A HOME whose log is already past `bytes` (the helper appends to it on every miss). */
function homeWithLog(bytes: number): string {
  const home = makeTempDir();
  const logDir = path.join(home, '.ecr', 'log');
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(path.join(home, '.ecr'), 0o700);
  fs.writeFileSync(path.join(logDir, 'ecr-login.log'), 'x'.repeat(bytes), { mode: 0o600 });
  return home;
}

function limited(limit: string, command: readonly string[], args: string[], input: string, env: Record<string, string>) {
  return startHelper(args, input, env, [PRLIMIT ?? 'prlimit', limit, '--', ...command]).result;
}

const describeWithPrlimit = (name: string, fn: () => void): void => {
  if (PRLIMIT !== undefined || process.platform !== 'linux') describeOnLinux(name, 'prlimit', fn);
  else if (mustRun) {
    describe(name, () => {
      it('has prlimit (util-linux)', () => {
        throw new Error('prlimit is missing: .ci/run installs util-linux');
      });
    });
  } else describe.skip(`${name} [skipped: needs prlimit (Debian: util-linux)]`, fn);
};

describeWithPrlimit('a file-size limit (ulimit -f)', () => {
  it.each([
    ['the log past the limit', '--fsize=102400'],
    ['the cache write past it too', '--fsize=1024'],
  ])('get, %s: the token, exit 0, at most one line on stderr', async (_what, limit) => {
    const out = await limited(limit, HELPER_COMMAND, ['get'], HOST, { HOME: homeWithLog(200_000), ...emulator.env() });
    expect(out).toMatchObject({ code: 0, signal: null });
    expect(JSON.parse(out.stdout)).toMatchObject({ ServerURL: HOST, Username: 'AWS' });
    expect(out.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
  });

  it('a kubelet request: the response, exit 0, nothing on stderr', async () => {
    const request = JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: `${HOST}/app`,
    });
    const out = await limited('--fsize=1024', PROVIDER_COMMAND, ['get-credentials'], request, {
      HOME: homeWithLog(200_000),
      ...emulator.env(),
    });
    expect(out).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(Object.keys(JSON.parse(out.stdout).auth)).toEqual([HOST]);
  });

  it('store for an ECR host (docker login): exit 0', async () => {
    const out = await limited(
      '--fsize=102400',
      HELPER_COMMAND,
      ['store'],
      JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'x' }),
      {
        HOME: homeWithLog(200_000),
        AWS_ECR_LOG_LEVEL: 'debug',
      },
    );
    expect(out).toMatchObject({ code: 0, signal: null, stdout: '' });
  });

  it('configure that cannot write the new config: one line, exit 1, the old config untouched', async () => {
    const home = homeWithLog(200_000);
    const dockerDir = path.join(home, '.docker');
    fs.mkdirSync(dockerDir, { mode: 0o700 });
    const config = path.join(dockerDir, 'config.json');
    // A config larger than the limit: its new version cannot be written.
    const original = `${JSON.stringify({ auths: { 'ghcr.io': { auth: 'x'.repeat(150_000) } } }, null, 2)}\n`;
    fs.writeFileSync(config, original, { mode: 0o600 });
    const out = await limited('--fsize=102400', HELPER_COMMAND, ['configure', '--registry', HOST], '', { HOME: home });
    expect(out).toMatchObject({ code: 1, signal: null, stdout: '' });
    expect(out.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^ecr-login: cannot write .*config\.json.*(EFBIG|too large)/i),
    ]);
    expect(fs.readFileSync(config, 'utf8')).toBe(original);
  });
});

/**
 * Low process and file limits, as another user (root ignores RLIMIT_NPROC): an answer or a
 * quick failure, never a hang. The single-file executable copes with any limit. The Node entry
 * needs an RLIMIT_NPROC of at least 8 or so beyond what the user already runs: below that,
 * Node itself may wait forever for a thread it could not create, before any of the helper's
 * code runs (measured with Node 20: 2 to 5 hang, 6 and more abort at once or answer;
 * docs/shared-hosts-and-deadlines.md, "Resource limits"). This test holds the bound with a margin.
 */
describeWithPrlimit('process and file limits', () => {
  const ANSWER_WITHIN_MS = 5000;
  const runLimited = async (limit: string, env: Record<string, string>) => {
    const home = makeTempDir();
    fs.chownSync(home, 65534, 65534);
    const [file = process.execPath, ...args] = [PRLIMIT ?? 'prlimit', limit, '--', ...helperCommandForAnyUser(), 'get'];
    return runProgram(file, args, {
      input: HOST,
      env: { PATH: testPath(), HOME: home, ...env },
      uid: 65534,
      gid: 65534,
      timeoutMs: ANSWER_WITHIN_MS,
    });
  };
  /** An answer (the token) or a failure, in time: never killed by the deadline. */
  const expectAnswerOrQuickFailure = (out: ProgramResult): void => {
    expect(out.timedOut).toBe(false);
    if (out.code === 0) expect(JSON.parse(out.stdout)).toMatchObject({ ServerURL: HOST });
  };

  itAsRoot('RLIMIT_NOFILE of 8, 16, 32: an answer or a quick failure', async () => {
    for (const limit of ['--nofile=8', '--nofile=16', '--nofile=32']) expectAnswerOrQuickFailure(await runLimited(limit, emulator.env()));
    // With enough descriptors, the token (control).
    expect(await runLimited('--nofile=64', emulator.env())).toMatchObject({ code: 0, timedOut: false });
  });

  itAsRoot(`RLIMIT_NPROC from ${RUNTIME === 'exe' ? 2 : 8} up: an answer or a quick failure`, async () => {
    const limits = RUNTIME === 'exe' ? [2, 3, 4, 6] : [8, 12, 16];
    for (const n of limits) expectAnswerOrQuickFailure(await runLimited(`--nproc=${n}`, emulator.env()));
  });
});
