import { UsageError } from '../errors';
import { type ExecEnvVar, isEnvName, isProviderName, type KubeletConfigOptions } from '../protocol/kubelet/format-kubelet-config';
import { parseGoDuration } from '../protocol/kubelet/parse-go-duration';

/** `kubelet-config`'s options as commander hands them over. */
export interface KubeletConfigFlags {
  readonly serviceAccount?: boolean;
  readonly name: string;
  readonly env: readonly string[];
  readonly format: string;
  readonly public?: boolean;
  readonly cacheDuration?: string;
}

/**
 * `--env NAME=VALUE`, each once: the name a POSIX one (a shell could not set another, and
 * kubelet would pass it on as it is), the value anything well-formed but a NUL (Go's exec
 * refuses an environment with one, so kubelet would fail every pull).
 */
export function parseEnvFlags(flags: readonly string[]): ExecEnvVar[] {
  const seen = new Set<string>();
  return flags.map((flag) => {
    const equals = flag.indexOf('=');
    const name = equals < 0 ? flag : flag.slice(0, equals);
    if (equals < 0 || !isEnvName(name)) {
      throw new UsageError(
        `--env ${JSON.stringify(flag)} is not NAME=VALUE with a variable name of letters, digits and "_" (not starting with a digit)`,
      );
    }
    if (seen.has(name)) throw new UsageError(`--env ${name} is given twice: give each variable once`);
    seen.add(name);
    const value = flag.slice(equals + 1);
    if (value.includes('\0') || hasLoneSurrogate(value)) {
      throw new UsageError(`--env ${name}: the value holds a NUL or a broken character, which kubelet cannot pass to a program`);
    }
    return { name, value };
  });
}

/** A UTF-16 half of a character without its other half: no UTF-8 (what kubelet reads) can carry it. */
function hasLoneSurrogate(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return true;
  }
  return false;
}

/** `--cache-duration`: a Go duration (kubelet parses it with `time.ParseDuration`) above zero. */
export function parseCacheDurationFlag(text: string): string {
  const nanoseconds = parseGoDuration(text);
  if (nanoseconds === undefined) {
    throw new UsageError(`--cache-duration ${JSON.stringify(text)} is not a Go duration such as 12h, 90m or 1h30m`);
  }
  if (nanoseconds <= 0n) throw new UsageError(`--cache-duration ${text}: the duration must be more than 0`);
  return text;
}

/** `kubelet-config`'s flags, checked, as the options of formatKubeletConfig (without the aliases). */
export function parseKubeletConfigFlags(flags: KubeletConfigFlags): KubeletConfigOptions {
  if (!isProviderName(flags.name)) {
    throw new UsageError(`--name ${JSON.stringify(flags.name)} is not a file name kubelet can run: use letters, digits, ".", "_" and "-"`);
  }
  if (flags.format !== 'yaml' && flags.format !== 'json') {
    throw new UsageError(`--format ${JSON.stringify(flags.format)} is not yaml or json`);
  }
  return {
    name: flags.name,
    serviceAccount: flags.serviceAccount === true,
    public: flags.public === true,
    env: parseEnvFlags(flags.env),
    format: flags.format,
    ...(flags.cacheDuration === undefined ? {} : { cacheDuration: parseCacheDurationFlag(flags.cacheDuration) }),
  };
}
