import type { RetryPolicy } from './resolve-retry-policy';

type SdkClients = typeof import('./sdk-clients');

/** What the SDK's strategies take as `backoff`: they set the base (by error type) before each delay. */
export type RetryBackoff = NonNullable<ConstructorParameters<SdkClients['StandardRetryStrategy']>[0]['backoff']>;

/** A strategy the SDK's clients take as `retryStrategy`. */
export type RetryStrategy = InstanceType<SdkClients['StandardRetryStrategy']> | InstanceType<SdkClients['AdaptiveRetryStrategy']>;

/**
 * The wait before retry `retryIndex` (0 for the first retry): "full jitter", uniformly
 * anywhere from 0 to `min(maxBackoffMs, baseMs × 2^retryIndex)`. Processes throttled at the
 * same moment — a fleet of kubelets after a node group scaled out — then spread their retries
 * over the whole window instead of coming back together (see
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). The AWS SDKs'
 * standard mode documents the same formula; the SDK for JavaScript's own backoff is this
 * one with `Math.random`.
 */
export function computeFullJitterDelay(retryIndex: number, baseMs: number, maxBackoffMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxBackoffMs, baseMs * 2 ** retryIndex));
}

/**
 * The backoff for one strategy: the SDK chooses the base per error (longer after throttling)
 * and asks for the delay; we cap it at `maxBackoffMs` (`AWS_ECR_MAX_BACKOFF`) and draw it
 * with `random` (tests: a seeded one).
 */
export function createFullJitterBackoff(maxBackoffMs: number, random: () => number): RetryBackoff {
  let baseMs = 50;
  return {
    setDelayBase: (delayBase: number) => {
      baseMs = delayBase;
    },
    computeNextBackoffDelay: (retryIndex: number) => computeFullJitterDelay(retryIndex, baseMs, maxBackoffMs, random),
  };
}

/**
 * The retry strategy of one SDK client: the SDK's standard strategy (its retryable errors,
 * its retry quota) or, in adaptive mode, its adaptive one (the same, with a client-side rate
 * limiter), each with `policy.maxAttempts` and the full-jitter backoff. One per client: a
 * strategy keeps state (the quota, the base of the next delay).
 */
export function createRetryStrategy(sdk: SdkClients, policy: RetryPolicy, random: () => number = Math.random): RetryStrategy {
  const backoff = createFullJitterBackoff(policy.maxBackoffMs, random);
  return policy.mode === 'adaptive'
    ? new sdk.AdaptiveRetryStrategy(policy.maxAttempts, { maxAttempts: policy.maxAttempts, backoff })
    : new sdk.StandardRetryStrategy({ maxAttempts: policy.maxAttempts, backoff });
}

/**
 * The retry settings of one SDK client: the policy's attempts, and a strategy of its own with
 * the full-jitter backoff. Both given, the SDK reads neither AWS_MAX_ATTEMPTS nor the profile
 * itself: the policy has already read them, in its order.
 */
export function retryClientOptions(
  sdk: SdkClients,
  policy: RetryPolicy,
  random: () => number = Math.random,
): { maxAttempts: number; retryStrategy: RetryStrategy } {
  return { maxAttempts: policy.maxAttempts, retryStrategy: createRetryStrategy(sdk, policy, random) };
}
