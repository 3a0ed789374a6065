import { DOCKER_HELPER_PROGRAM } from '../../helper-names';
import { formatOtherAnswer, formatShadowFix, identifyHelperOnPath, VERSION_TIMEOUT_MS } from '../../helper-on-path';
import { fail, ok } from '../check-result';
import type { DoctorCheck } from '../doctor-check';

/**
 * The program on PATH under the helper's name, asked its version (within a check's deadline:
 * a program that never answers must not hold up the report): this helper, of this version or
 * another, is OK; anything else is another program, which docker would run instead.
 */
export const helperOnPath: DoctorCheck = {
  name: 'helper-on-path',
  run({ deps, services, deadlineMs }) {
    const name = 'helper-on-path';
    const timeoutMs = Math.min(VERSION_TIMEOUT_MS, deadlineMs);
    const found = identifyHelperOnPath(services.config.clientEnv, deps.platform, deps.askVersion, timeoutMs, deps.isExecutable);
    switch (found.status) {
      case 'missing':
        return {
          result: fail(
            name,
            `${DOCKER_HELPER_PROGRAM} is not on PATH, so docker, podman and skopeo cannot run it`,
            `put the directory that holds ${DOCKER_HELPER_PROGRAM} on PATH, or link it into one (e.g. /usr/local/bin)`,
          ),
        };
      case 'unknown':
        return { result: ok(name, found.file) };
      case 'this':
        return {
          result: ok(
            name,
            found.version === deps.version
              ? `${found.file} (${deps.version}, this version)`
              : `${found.file} (${found.version}; this one is ${deps.version})`,
          ),
        };
      case 'other':
        return {
          result: fail(
            name,
            `${found.file} is another program: ${formatOtherAnswer(found.answer)}, so docker runs that one`,
            formatShadowFix(found.file, deps.programFile, deps.platform),
          ),
        };
    }
  },
};
