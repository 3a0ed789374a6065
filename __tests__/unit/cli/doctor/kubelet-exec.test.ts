import { kubeletExecCheck } from '../../../../src/cli/doctor/checks/kubelet-exec';
import type { DoctorContext } from '../../../../src/cli/doctor/doctor-check';
import type { ProgramRun, RunProgram } from '../../../../src/cli/exec-provider';
import type { CredentialProvider } from '../../../../src/protocol/kubelet/parse-credential-provider-config';
import { createFakeClock } from '../../../helpers/fakes';

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
