import { fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { readKubeletConfig } from '../read-kubelet-config';

const FIX_INVALID = 'fix the file: kubelet does not start with it (`docker-credential-ecr-login kubelet-config` prints one it accepts)';

/**
 * kubelet's `--image-credential-provider-config` (--config, else EKS's file), decoded and
 * validated as kubelet does before it starts: OK names the providers.
 */
export const kubeletConfigCheck: DoctorCheck = {
  name: 'kubelet-config',
  async run({ kubelet, services }) {
    const name = 'kubelet-config';
    if (kubelet === undefined) return { result: fail(name, 'no image given', 'run doctor --kubelet IMAGE') };
    const path = kubelet.configPath;
    const read = await readKubeletConfig(path, services.fsPlatform);
    switch (read.status) {
      case 'missing':
        return {
          result: fail(
            name,
            kubelet.configGiven ? `${path} does not exist` : `no --config given, and EKS's ${path} does not exist`,
            "pass --config with the file kubelet's --image-credential-provider-config names",
          ),
        };
      case 'invalid':
        return { result: fail(name, [`${read.file}: kubelet refuses it:`, ...read.problems.map((p) => `  ${p}`)].join('\n'), FIX_INVALID) };
      case 'ok': {
        const where = read.files.length === 1 ? `${read.files[0]}` : `${path} (${read.files.length} files)`;
        const versions = [...new Set(read.apiVersions)].join(', ');
        const names = read.providers.map((p) => p.name).join(', ');
        return {
          result: ok(name, `${where} (${versions}): ${read.providers.length === 1 ? 'provider' : 'providers'} ${names}`),
          facts: { kubeletProviders: read.providers },
        };
      }
    }
  },
};
