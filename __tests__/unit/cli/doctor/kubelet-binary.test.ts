import { kubeletBinaryCheck } from '../../../../src/cli/doctor/checks/kubelet-binary';
import type { DoctorContext } from '../../../../src/cli/doctor/doctor-check';
import type { CredentialProvider } from '../../../../src/protocol/kubelet/parse-credential-provider-config';
import { describeFsPlatform, type PathStat } from '../../../../src/safe-fs/fs-platform';

const provider = { name: 'ecr-credential-provider' } as CredentialProvider;

/** A file system of stat answers only: the check reads nothing else. */
function runCheck(tree: Record<string, PathStat>) {
  const fsPlatform = {
    ...describeFsPlatform('linux', 0),
    stat: (path: string): PathStat => {
      const stat = tree[path];
      if (stat === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return stat;
    },
  };
  const ctx = {
    deps: { platform: 'linux' },
    services: { fsPlatform },
    kubelet: { binDir: '/etc/eks/image-credential-provider', binDirGiven: false },
  } as unknown as DoctorContext;
  return kubeletBinaryCheck.run(ctx, { kubeletProviders: [provider] });
}

const entry = (kind: 'file' | 'dir', mode: number): PathStat => ({
  uid: 0,
  mode,
  isFile: () => kind === 'file',
  isDirectory: () => kind === 'dir',
  isSymbolicLink: () => false,
});

describe('kubelet-binary: reads the bin dir through the file system doctor is given', () => {
  it.each([
    ['0755', 'OK', '/etc/eks/image-credential-provider/ecr-credential-provider (mode 0755)'],
    ['0644', 'FAIL', 'is not executable (mode 0644): kubelet cannot run it'],
  ])('a program of mode %s: %s', async (mode, status, detail) => {
    const outcome = await runCheck({
      '/etc/eks/image-credential-provider': entry('dir', 0o755),
      '/etc/eks/image-credential-provider/ecr-credential-provider': entry('file', Number.parseInt(mode, 8)),
    });
    expect(outcome.result).toMatchObject({ status, detail: expect.stringContaining(detail) });
  });

  it('a directory where the program should be: FAIL', async () => {
    const outcome = await runCheck({
      '/etc/eks/image-credential-provider': entry('dir', 0o755),
      '/etc/eks/image-credential-provider/ecr-credential-provider': entry('dir', 0o755),
    });
    expect(outcome.result).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('ecr-credential-provider is not a file') });
  });
});
