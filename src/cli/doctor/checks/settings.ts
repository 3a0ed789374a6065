import { fail, ok, skip } from '../check-result';
import type { DoctorCheck } from '../doctor-check';
import { messageOf } from '../doctor-check';

/** What the settings file says about the registry: its profile, role, or the registry an alias stands for. */
export const settingsCheck: DoctorCheck = {
  name: 'settings',
  run({ settings: read, target, host }) {
    const name = 'settings';
    if ('error' in read) {
      return {
        result: fail(
          name,
          messageOf(read.error),
          'fix the file as the message says, or move it away; until then every get for an ECR host fails',
        ),
      };
    }
    const settings = read.value;
    if (settings.file === undefined) {
      return { result: skip(name, 'no per-registry settings file: the default AWS credential chain for every registry') };
    }
    if (host === undefined) {
      const { registries, aliases } = settings;
      return {
        result: ok(
          name,
          `${settings.file}: ${registries.length} registry ${registries.length === 1 ? 'entry' : 'entries'}, ${aliases.length} ${aliases.length === 1 ? 'alias' : 'aliases'}`,
        ),
      };
    }
    if (!target) return { result: ok(name, `${settings.file}: no entry for ${host}`) };
    const parts: string[] = [];
    if (target.alias) parts.push(`${host} is an alias of ${target.registry.host}`);
    const chosen = target.settings;
    if (chosen?.profile !== undefined) parts.push(`profile ${chosen.profile}`);
    if (chosen?.roleArn !== undefined) parts.push(`role ${chosen.roleArn}`);
    if (!chosen) parts.push('no profile or role: the default AWS credential chain');
    return { result: ok(name, `${settings.file}: ${parts.join('; ')}`) };
  },
};
