import { computeFullJitterDelay, createFullJitterBackoff } from '../../../src/aws/create-retry-strategy';
import { chooseRetryPolicy } from '../../../src/aws/resolve-retry-policy';
import { parseConfig } from '../../../src/config';
import { seededRandom } from '../../helpers/seeded-random';

const settings = (env: Record<string, string>) => parseConfig(env, '/home/u').retry;
const profile = (values: { maxAttempts?: string; mode?: string }) => ({
  profile: 'prod',
  maxAttempts: values.maxAttempts,
  mode: values.mode,
});

describe('chooseRetryPolicy: the environment, then the profile, then the defaults (the AWS SDKs’ order)', () => {
  it.each<[string, Record<string, string>, { maxAttempts?: string; mode?: string } | undefined, object]>([
    ['nothing set', {}, undefined, { maxAttempts: 3, mode: 'standard', maxAttemptsFrom: 'default', modeFrom: 'default' }],
    ['a profile without them', {}, {}, { maxAttempts: 3, mode: 'standard', maxAttemptsFrom: 'default', modeFrom: 'default' }],
    [
      'the profile',
      {},
      { maxAttempts: '5', mode: 'adaptive' },
      { maxAttempts: 5, mode: 'adaptive', maxAttemptsFrom: 'max_attempts in profile prod', modeFrom: 'retry_mode in profile prod' },
    ],
    [
      'the environment over the profile',
      { AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'standard' },
      { maxAttempts: '5', mode: 'adaptive' },
      { maxAttempts: 2, mode: 'standard', maxAttemptsFrom: 'AWS_MAX_ATTEMPTS', modeFrom: 'AWS_RETRY_MODE' },
    ],
    [
      'one from each',
      { AWS_MAX_ATTEMPTS: '6' },
      { mode: 'adaptive' },
      { maxAttempts: 6, mode: 'adaptive', maxAttemptsFrom: 'AWS_MAX_ATTEMPTS', modeFrom: 'retry_mode in profile prod' },
    ],
    [
      'an unusable variable: the profile decides',
      { AWS_MAX_ATTEMPTS: 'many' },
      { maxAttempts: '4' },
      { maxAttempts: 4, maxAttemptsFrom: 'max_attempts in profile prod' },
    ],
  ])('%s', (_what, env, values, expected) => {
    const policy = chooseRetryPolicy(settings(env), values === undefined ? undefined : profile(values));
    expect(policy).toMatchObject({ ...expected, maxBackoffMs: 20_000, warnings: [] });
  });

  it('an unusable profile value is ignored, and said so', () => {
    const policy = chooseRetryPolicy(settings({}), profile({ maxAttempts: '0', mode: 'turbo' }));
    expect(policy).toMatchObject({ maxAttempts: 3, mode: 'standard', maxAttemptsFrom: 'default', modeFrom: 'default' });
    expect(policy.warnings).toEqual([
      'max_attempts in profile prod is "0", not a number of attempts from 1 to 100; ignoring it',
      'retry_mode in profile prod is "turbo", not a retry mode (standard or adaptive); ignoring it',
    ]);
  });
});

describe('full jitter: each retry waits anywhere from 0 to min(cap, base × 2^n)', () => {
  it.each([
    [0, 1000, 20_000, 1000],
    [3, 1000, 20_000, 8000],
    [5, 1000, 20_000, 20_000],
    [2, 50, 20_000, 200],
    [4, 1000, 50, 50],
  ])('retry %i, base %i ms, cap %i ms: within [0, %i)', (retry, base, cap, window) => {
    const random = seededRandom(retry * 7919 + base);
    const delays = Array.from({ length: 2000 }, () => computeFullJitterDelay(retry, base, cap, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(window);
    // Spread over the whole window, not bunched: a fleet throttled at once comes back apart.
    expect(Math.min(...delays)).toBeLessThan(window * 0.05);
    expect(Math.max(...delays)).toBeGreaterThan(window * 0.95);
    const quarters = [0, 1, 2, 3].map((q) => delays.filter((d) => d >= (q * window) / 4 && d < ((q + 1) * window) / 4).length);
    for (const count of quarters) expect(count).toBeGreaterThan(2000 / 4 - 100);
  });

  it('the same seed draws the same delays; 100 processes throttled at once do not retry in step', () => {
    const firstRetry = (seed: number) => createFullJitterBackoff(20_000, seededRandom(seed));
    const delays = Array.from({ length: 100 }, (_, seed) => {
      const backoff = firstRetry(seed);
      backoff.setDelayBase(1000); // what the SDK sets after a throttling error
      return backoff.computeNextBackoffDelay(0);
    });
    expect(new Set(delays).size).toBeGreaterThan(90);
    expect(firstRetry(7).computeNextBackoffDelay(2)).toBe(firstRetry(7).computeNextBackoffDelay(2));
  });

  it('the cap (AWS_ECR_MAX_BACKOFF) bounds every wait, whatever base the SDK sets', () => {
    const backoff = createFullJitterBackoff(30, seededRandom(1));
    backoff.setDelayBase(1000);
    for (let retry = 0; retry < 10; retry++) expect(backoff.computeNextBackoffDelay(retry)).toBeLessThan(30);
  });
});
