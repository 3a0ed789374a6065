import { resolveContainersAuthFile } from '../../client-files';
import { HELPER_NAME } from '../../helper-names';
import { checkContainersAuth, checkDockerConfig, resolveContainersAuthFiles } from '../check-client-config';
import { fail, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';

/** The docker config: whether docker sends the registry (or every registry) to this helper. */
export const dockerConfig: DoctorCheck = {
  name: 'docker-config',
  run({ host, hostKey, dockerConfig: docker }) {
    if (host !== undefined && hostKey === undefined) {
      return {
        result: fail(
          'docker-config',
          `${JSON.stringify(host)} is not a registry host name`,
          'give a host such as 123456789012.dkr.ecr.us-west-2.amazonaws.com',
        ),
      };
    }
    const { file, read } = docker();
    const value = read.status === 'ok' ? read.value : undefined;
    const usesCredsStore = typeof value === 'object' && value !== null && (value as { credsStore?: unknown }).credsStore === HELPER_NAME;
    return { result: checkDockerConfig(file, read, hostKey), facts: { dockerUsesCredsStore: usesCredsStore } };
  },
};

/** The auth files of podman, skopeo and buildah, in the order they read them (the docker config last). */
export const containersAuth: DoctorCheck = {
  name: 'containers-auth',
  run({ deps, services, host, hostKey, dockerConfig: docker }) {
    if (host !== undefined && hostKey === undefined) return { result: skip('containers-auth', 'no valid registry given') };
    const { config } = services;
    let primary: string | undefined;
    try {
      primary = resolveContainersAuthFile(config.clientEnv, config.userHomeDir, deps.platform, deps.uid);
    } catch {
      // XDG_RUNTIME_DIR names no directory: podman/skopeo have no primary auth file either.
    }
    // The docker config is the containers tools' last auth file too: read once, judged by both checks as the same text.
    const readJsonFile = (file: string) => (file === docker().file ? docker().read : deps.readJsonFile(file));
    return {
      result: checkContainersAuth(resolveContainersAuthFiles(config.clientEnv, config.userHomeDir, primary), readJsonFile, hostKey),
    };
  },
};
