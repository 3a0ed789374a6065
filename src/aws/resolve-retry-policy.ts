import { parseMaxAttempts, parseRetryMode, type RetryMode, type RetrySettings } from '../retry-settings';

type SdkClients = typeof import('./sdk-clients');

/** The SDKs' defaults in standard mode (the SDK for JavaScript's default mode). */
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_MODE: RetryMode = 'standard';

/** How every AWS call of one command is retried, and where each value came from. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly mode: RetryMode;
  readonly maxBackoffMs: number;
  /** `AWS_MAX_ATTEMPTS`, `max_attempts in profile <name>` or `default`: what `doctor` shows. */
  readonly maxAttemptsFrom: string;
  /** `AWS_RETRY_MODE`, `retry_mode in profile <name>` or `default`. */
  readonly modeFrom: string;
  /** Values in the profile that are not usable, and were ignored: told to the user. */
  readonly warnings: readonly string[];
}

/** A profile's `max_attempts` and `retry_mode` as the shared config files have them. */
export interface ProfileRetryValues {
  readonly profile: string;
  readonly maxAttempts: string | undefined;
  readonly mode: string | undefined;
}

/**
 * The policy from the environment's settings and the profile's values, in the AWS SDKs'
 * documented order: the environment variable, then the shared config file's setting, then the
 * default (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * Pure; the profile's values are read by `resolveRetryPolicy`.
 */
export function chooseRetryPolicy(settings: RetrySettings, fromProfile: ProfileRetryValues | undefined): RetryPolicy {
  const warnings: string[] = [];
  /** The variable's value if set, else the profile's `key` if usable (else told), else none; and where it came from. */
  const choose = <T>(
    fromEnv: T | undefined,
    variable: string,
    key: 'max_attempts' | 'retry_mode',
    parse: (raw: string) => T | undefined,
    expected: string,
  ): { value: T | undefined; from: string } => {
    if (fromEnv !== undefined) return { value: fromEnv, from: variable };
    const where = `${key} in profile ${fromProfile?.profile ?? 'default'}`;
    const raw = key === 'max_attempts' ? fromProfile?.maxAttempts : fromProfile?.mode;
    if (raw === undefined || raw.trim() === '') return { value: undefined, from: 'default' };
    const value = parse(raw);
    if (value === undefined) warnings.push(`${where} is ${JSON.stringify(raw.trim())}, not ${expected}; ignoring it`);
    return { value, from: value === undefined ? 'default' : where };
  };
  const attempts = choose(settings.maxAttempts, 'AWS_MAX_ATTEMPTS', 'max_attempts', parseMaxAttempts, 'a number of attempts from 1 to 100');
  const mode = choose(settings.mode, 'AWS_RETRY_MODE', 'retry_mode', parseRetryMode, 'a retry mode (standard or adaptive)');
  return {
    maxAttempts: attempts.value ?? DEFAULT_MAX_ATTEMPTS,
    mode: mode.value ?? DEFAULT_MODE,
    maxBackoffMs: settings.maxBackoffMs,
    maxAttemptsFrom: attempts.from,
    modeFrom: mode.from,
    warnings,
  };
}

/**
 * The policy for calls made with `profile` (a registry's), else AWS_PROFILE's profile, else
 * `default`. The profile is read — with the SDK's own reader of the shared config files
 * (AWS_CONFIG_FILE, ~/.aws/config) — only when a variable leaves a value open. A file that
 * cannot be read counts as one without the settings: the credential chain reports it.
 */
export async function resolveRetryPolicy(sdk: SdkClients, settings: RetrySettings, profile?: string): Promise<RetryPolicy> {
  if (settings.maxAttempts !== undefined && settings.mode !== undefined) return chooseRetryPolicy(settings, undefined);
  const options = profile === undefined ? {} : { profile };
  const readSetting = async (key: string): Promise<string | undefined> => {
    try {
      const value = await sdk.loadConfig<string | undefined>(
        { environmentVariableSelector: () => undefined, configFileSelector: (section) => section[key], default: undefined },
        options,
      )();
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const [maxAttempts, mode] = await Promise.all([readSetting('max_attempts'), readSetting('retry_mode')]);
  return chooseRetryPolicy(settings, { profile: sdk.getProfileName(options), maxAttempts, mode });
}
