import { join } from 'node:path';
import type { FsPlatform, PathStat } from '../../../safe-fs/fs-platform';
import { fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';

/** What is at a provider's place in the bin dir: a program root can run, or why not. */
function inspectBinary(file: string, platform: NodeJS.Platform, fsPlatform: FsPlatform): { file: string; problem?: string; mode?: string } {
  // kubelet finds it with Go's exec.LookPath, which on Windows also tries the PATHEXT extensions.
  const candidates = platform === 'win32' && !/\.exe$/i.test(file) ? [file, `${file}.exe`] : [file];
  for (const candidate of candidates) {
    let stat: PathStat;
    try {
      stat = fsPlatform.stat(candidate);
    } catch {
      continue;
    }
    if (!stat.isFile()) return { file: candidate, problem: `${candidate} is not a file` };
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    // root may run a file with any execute bit; with none, not even root.
    if (platform !== 'win32' && (stat.mode & 0o111) === 0) {
      return { file: candidate, problem: `${candidate} is not executable (mode ${mode}): kubelet cannot run it`, mode };
    }
    return { file: candidate, mode };
  }
  return { file, problem: `plugin binary executable ${file} did not exist` };
}

/**
 * Each provider's program in the bin dir (--bin-dir, else EKS's): kubelet looks every one of
 * them up when it starts and refuses to start when one is missing, matched or not.
 */
export const kubeletBinaryCheck: DoctorCheck = {
  name: 'kubelet-binary',
  needs: { fact: 'kubeletProviders', why: 'no config kubelet accepts (see kubelet-config)' },
  run({ kubelet, deps, services }, { kubeletProviders = [] }) {
    const name = 'kubelet-binary';
    const binDir = kubelet?.binDir ?? '';
    let isDirectory = false;
    try {
      isDirectory = services.fsPlatform.stat(binDir).isDirectory();
    } catch {}
    const fix = `install each provider as <bin dir>/<name> (chmod 755), or pass --bin-dir with kubelet's --image-credential-provider-bin-dir`;
    if (!isDirectory) {
      const given = kubelet?.binDirGiven ? '' : " (EKS's; no --bin-dir given)";
      return { result: fail(name, `plugin binary directory ${binDir}${given} did not exist: kubelet does not start`, fix) };
    }
    const found = kubeletProviders.map((provider) => ({
      provider,
      ...inspectBinary(join(binDir, provider.name), deps.platform, services.fsPlatform),
    }));
    const binaries = new Map(found.filter((f) => f.problem === undefined).map((f) => [f.provider.name, f.file]));
    const problems = found.filter((f) => f.problem !== undefined);
    if (problems.length > 0) {
      const lines = found.map((f) => `  ${f.provider.name}: ${f.problem ?? `${f.file} (mode ${f.mode})`}`);
      return {
        result: fail(name, ['kubelet does not start with this config:', ...lines].join('\n'), fix),
        facts: { kubeletBinaries: binaries },
      };
    }
    const lines = found.map((f) => `${f.file} (mode ${f.mode})`);
    return { result: ok(name, lines.join('\n')), facts: { kubeletBinaries: binaries } };
  },
};
