import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kubeletExecCheck } from '../../../../src/cli/doctor/checks/kubelet-exec';
import type { DoctorContext } from '../../../../src/cli/doctor/doctor-check';
import type { ProgramRun, RunProgram } from '../../../../src/cli/exec-provider';
import type { CredentialProvider } from '../../../../src/protocol/kubelet/parse-credential-provider-config';
import { createFakeClock } from '../../../helpers/fakes';
import { itOnUnix } from '../../../helpers/platform';
import { makeTempDir } from '../../../helpers/temp-dir';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const IMAGE = `${HOST}/team/app`;

function provider(name: string, args: readonly string[] = ['get-credentials']): CredentialProvider {
  return {
    name,
    matchImages: ['*.dkr.ecr.*.amazonaws.com'],
    defaultCacheDuration: '1m',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    args,
    env: [],
    tokenAttributes: undefined,
  };
}

/** A provider's answer with credentials for `key`. */
function answer(key: string): ProgramRun {
  const auth = { [key]: { username: 'AWS', password: 'pw-1234' } };
  const stdout = JSON.stringify({
    kind: 'CredentialProviderResponse',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    cacheKeyType: 'Registry',
    auth,
  });
  return { status: 'exited', code: 0, signal: null, stdout, stderr: '' };
}

/**
 * Runs the check the way the runner does, with only what it reads: the programs' runner,
 * the clock, the command's deadline and the image.
 */
async function runCheck(options: {
  readonly providers: readonly { readonly provider: CredentialProvider; readonly file: string }[];
  readonly runProgram: RunProgram;
  readonly now?: () => number;
  readonly commandTimeoutMs?: number;
  readonly image?: string;
}) {
  const ctx = {
    deps: { runProgram: options.runProgram, kubeletEnv: {} },
    services: { now: options.now ?? createFakeClock().now, config: { commandTimeoutMs: options.commandTimeoutMs ?? 30_000 } },
    kubelet: { lookupName: options.image ?? IMAGE },
  } as unknown as DoctorContext;
  const outcome = await kubeletExecCheck.run(ctx, {
    kubeletMatched: options.providers.map((p) => p.provider),
    kubeletBinaries: new Map(options.providers.map((p) => [p.provider.name, p.file])),
  });
  return outcome.result;
}

describe('kubelet-exec: the answer read as kubelet reads it', () => {
  // kubelet's BasicDockerKeyring.Add cuts the scheme and a /v1/ or /v2/ prefix from each key.
  it.each([`https://${HOST}`, `http://${HOST}/v2/`, `${HOST}/v1/team`, HOST])(
    'an auth key %s is one kubelet uses for the image: OK',
    async (key) => {
      const result = await runCheck({ providers: [{ provider: provider('ecr'), file: '/bin/ecr' }], runProgram: async () => answer(key) });
      expect(result).toMatchObject({
        status: 'OK',
        detail: expect.stringContaining(`ecr: ${key}: username "AWS", password hidden (7 characters)`),
      });
    },
  );

  it.each([`https://${HOST}:443`, `${HOST}/v2/other`, `ftp://${HOST}`])('an auth key %s is not one kubelet uses: FAIL', async (key) => {
    const result = await runCheck({ providers: [{ provider: provider('ecr'), file: '/bin/ecr' }], runProgram: async () => answer(key) });
    expect(result).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('which kubelet does not use for') });
  });
});

describe('kubelet-exec: the command that repeats a failed run', () => {
  const failed: RunProgram = async () => ({ status: 'exited', code: 1, signal: null, stdout: '', stderr: 'no role' });

  it("quotes every word in single quotes, a quote inside as '\\''", async () => {
    const result = await runCheck({
      providers: [{ provider: provider('ecr', ['get credentials', "it's"]), file: "/opt/my dir/it's/ecr" }],
      runProgram: failed,
      image: `${HOST}/it's app`,
    });
    const request = `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"${HOST}/it'\\''s app"}`;
    expect(result.fix).toContain(`\nprintf '%s\\n' '${request}' | '/opt/my dir/it'\\''s/ecr' 'get credentials' 'it'\\''s'`);
  });

  itOnUnix('a shell runs it as kubelet ran the provider: the same file, args and request', 'a shell', async () => {
    const dir = path.join(makeTempDir(), 'my dir', "it's");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'ecr $(x) `y` "z"');
    const seen = path.join(dir, 'seen');
    // Shell builtins only: each argument on a line, then the request as read from stdin.
    fs.writeFileSync(
      file,
      `#!/bin/sh\n{ for a in "$@"; do printf '%s\\n' "$a"; done; IFS= read -r line; printf '%s\\n' "$line"; } >'${seen.replaceAll("'", "'\\''")}'\n`,
      { mode: 0o755 },
    );
    const args = ['get credentials', "it's", '$HOME', '*'];
    const image = `${HOST}/it's app`;
    const result = await runCheck({ providers: [{ provider: provider('ecr', args), file }], runProgram: failed, image });
    const command = (result.fix ?? '').split('\n').at(-1) ?? '';
    execFileSync('/bin/sh', ['-c', command], { env: {} });
    const request = `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"${image}"}`;
    expect(fs.readFileSync(seen, 'utf8')).toBe(`${args.join('\n')}\n${request}\n`);
  });
});

describe('kubelet-exec: one time budget for every run', () => {
  it('splits what is left before the command deadline (less 3 s for the report) over the runs still to come', async () => {
    const clock = createFakeClock();
    const timeouts: number[] = [];
    // Each provider hangs until killed: the fake clock moves by the run's whole timeout.
    const hangs: RunProgram = async (_file, _args, { timeoutMs }) => {
      timeouts.push(timeoutMs);
      clock.advance(timeoutMs);
      return { status: 'timed-out', stderr: '' };
    };
    const providers = ['a', 'b', 'c'].map((name) => ({ provider: provider(name), file: `/bin/${name}` }));
    const result = await runCheck({ providers, runProgram: hangs, now: clock.now, commandTimeoutMs: 33_000 });
    expect(timeouts).toEqual([10_000, 10_000, 10_000]);
    expect(timeouts.reduce((a, b) => a + b)).toBeLessThanOrEqual(33_000 - 3000);
    expect(result.status).toBe('FAIL');
    expect(result.detail.split('\n')).toEqual([
      'a: no answer within 10 s, killed (kubelet waits 60 s): (nothing on stderr)',
      'b: no answer within 10 s, killed (kubelet waits 60 s): (nothing on stderr)',
      'c: no answer within 10 s, killed (kubelet waits 60 s): (nothing on stderr)',
    ]);
  });

  it('a quick run leaves its unused time to the later ones; no run gets more than kubelet’s minute', async () => {
    const clock = createFakeClock();
    const timeouts: number[] = [];
    const quickThenHang: RunProgram = async (_file, _args, { timeoutMs }) => {
      timeouts.push(timeoutMs);
      clock.advance(timeouts.length === 1 ? 1000 : timeoutMs);
      return timeouts.length === 1 ? answer(HOST) : { status: 'timed-out', stderr: '' };
    };
    const providers = ['a', 'b'].map((name) => ({ provider: provider(name), file: `/bin/${name}` }));
    await runCheck({ providers, runProgram: quickThenHang, now: clock.now, commandTimeoutMs: 300_000 });
    // 297 s shared: 148.5 s each, capped at 60 s; the second gets the cap too.
    expect(timeouts).toEqual([60_000, 60_000]);
    timeouts.length = 0;
    await runCheck({ providers, runProgram: quickThenHang, now: clock.now, commandTimeoutMs: 21_000 });
    // 18 s shared: 9 s for the first, which takes 1 s, so 17 s for the second.
    expect(timeouts).toEqual([9000, 17_000]);
  });

  it('with no time left a provider is not run, and the report says so', async () => {
    const clock = createFakeClock();
    const ran: string[] = [];
    const slow: RunProgram = async (file) => {
      ran.push(file);
      clock.advance(60_000);
      return answer(HOST);
    };
    const providers = ['a', 'b'].map((name) => ({ provider: provider(name), file: `/bin/${name}` }));
    const result = await runCheck({ providers, runProgram: slow, now: clock.now, commandTimeoutMs: 10_000 });
    expect(ran).toEqual(['/bin/a']);
    expect(result.detail.split('\n')[1]).toBe("b: not run: no time left before this command's deadline");
  });
});
