/**
 * The retry variables (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, `AWS_ECR_MAX_BACKOFF`) and the
 * profile values of the same meaning, read as the AWS SDKs document them. A part of
 * src/config.ts's reading of the environment, in a file of its own (config.ts re-exports it).
 */

/** The AWS SDKs' retry modes that the SDK for JavaScript implements (`legacy` reads as `standard` there). */
export type RetryMode = 'standard' | 'adaptive';

/**
 * How AWS calls are retried, as far as the environment says. `maxAttempts` and `mode` are
 * undefined when their variable is unset (or unusable): then the profile's `max_attempts` and
 * `retry_mode` decide, else the SDKs' defaults (3, standard) — the precedence the AWS SDKs
 * document (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * The profile is read only when a call is made (src/aws/resolve-retry-policy.ts).
 */
export interface RetrySettings {
  /** `AWS_MAX_ATTEMPTS`: attempts per AWS call in all, the first included. */
  readonly maxAttempts: number | undefined;
  /** `AWS_RETRY_MODE`. */
  readonly mode: RetryMode | undefined;
  /**
   * `AWS_ECR_MAX_BACKOFF` (seconds, default 20, the SDKs' cap), a test and diagnostic setting:
   * the longest wait before one retry.
   */
  readonly maxBackoffMs: number;
}

/** The SDKs' cap on one retry's wait (the `MAX_BACKOFF` of their backoff formula). */
export const DEFAULT_MAX_BACKOFF_MS = 20_000;

/** More attempts than this are no longer retries but a loop; the command deadline ends it anyway. */
const MAX_MAX_ATTEMPTS = 100;

/**
 * An `AWS_MAX_ATTEMPTS` or `max_attempts` value: a whole number from 1 (no retry) — the SDKs
 * document "a number greater than 0" — to 100; undefined when it is not one. Stricter than the
 * SDK for JavaScript's `parseInt`, which reads `3x` as 3 and `0` as one attempt.
 */
export function parseMaxAttempts(raw: string): number | undefined {
  const attempts = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  return attempts >= 1 && attempts <= MAX_MAX_ATTEMPTS ? attempts : undefined;
}

/**
 * An `AWS_RETRY_MODE` or `retry_mode` value, in any case. `legacy` (the default of some older
 * SDKs, "specific to your SDK") is `standard` in the SDK for JavaScript v3, which has no other.
 */
export function parseRetryMode(raw: string): RetryMode | undefined {
  const mode = raw.trim().toLowerCase();
  if (mode === 'standard' || mode === 'legacy') return 'standard';
  return mode === 'adaptive' ? 'adaptive' : undefined;
}

/** The retry variables; an unusable value is told and ignored, as if unset. */
export function parseRetrySettings(env: NodeJS.ProcessEnv, warnings: string[]): RetrySettings {
  const rawAttempts = (env.AWS_MAX_ATTEMPTS ?? '').trim();
  const maxAttempts = rawAttempts === '' ? undefined : parseMaxAttempts(rawAttempts);
  if (rawAttempts !== '' && maxAttempts === undefined) {
    warnings.push(`AWS_MAX_ATTEMPTS=${rawAttempts} is not a number of attempts from 1 to ${MAX_MAX_ATTEMPTS}; ignoring it`);
  }
  const rawMode = (env.AWS_RETRY_MODE ?? '').trim();
  const mode = rawMode === '' ? undefined : parseRetryMode(rawMode);
  if (rawMode !== '' && mode === undefined) {
    warnings.push(`AWS_RETRY_MODE=${rawMode} is not a retry mode (standard or adaptive); ignoring it`);
  }
  const rawBackoff = (env.AWS_ECR_MAX_BACKOFF ?? '').trim();
  let maxBackoffMs = DEFAULT_MAX_BACKOFF_MS;
  if (rawBackoff !== '') {
    const seconds = /^\d{1,2}(\.\d{1,3})?$/.test(rawBackoff) ? Number(rawBackoff) : Number.NaN;
    if (seconds >= 0.001 && seconds <= DEFAULT_MAX_BACKOFF_MS / 1000) maxBackoffMs = Math.round(seconds * 1000);
    else
      warnings.push(
        `AWS_ECR_MAX_BACKOFF=${rawBackoff} is not a number of seconds from 0.001 to ${DEFAULT_MAX_BACKOFF_MS / 1000}; using ${DEFAULT_MAX_BACKOFF_MS / 1000}`,
      );
  }
  return { maxAttempts, mode, maxBackoffMs };
}
