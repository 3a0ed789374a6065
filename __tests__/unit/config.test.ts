import { parseConfig } from '../../src/config';

describe('AWS_ECR_KEYCHAIN_ITEM_BYTES (a test and diagnostic setting)', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['2560', 2560],
    [' 600 ', 600],
    ['256', 256],
    ['1048576', 1048576],
  ])('%j: %s', (value, bytes) => {
    const config = parseConfig(value === undefined ? {} : { AWS_ECR_KEYCHAIN_ITEM_BYTES: value }, '/home/u');
    expect(config.keychainItemBytes).toBe(bytes);
    expect(config.warnings).toEqual([]);
  });

  it.each(['255', '1048577', '2.5e3', '-1', 'small', '0x100', '123456789'])('%j: ignored, with a warning', (value) => {
    const config = parseConfig({ AWS_ECR_KEYCHAIN_ITEM_BYTES: value }, '/home/u');
    expect(config.keychainItemBytes).toBeUndefined();
    expect(config.warnings).toEqual([
      `AWS_ECR_KEYCHAIN_ITEM_BYTES=${value} is not a number of bytes from 256 to 1048576; using the platform's limit`,
    ]);
  });
});

describe('AWS_ECR_BACKGROUND_REFRESH', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['', true],
    ['true', true],
    [' TRUE ', true],
    ['false', false],
    ['False', false],
  ])('%j: %s', (value, on) => {
    const config = parseConfig(value === undefined ? {} : { AWS_ECR_BACKGROUND_REFRESH: value }, '/home/u');
    expect(config.backgroundRefresh).toBe(on);
    expect(config.warnings).toEqual([]);
  });

  it.each(['0', 'no', 'off'])('%j: on, with a warning', (value) => {
    const config = parseConfig({ AWS_ECR_BACKGROUND_REFRESH: value }, '/home/u');
    expect(config.backgroundRefresh).toBe(true);
    expect(config.warnings).toEqual([`AWS_ECR_BACKGROUND_REFRESH=${value} is neither true nor false; using true`]);
  });
});

describe('AWS_MAX_ATTEMPTS, AWS_RETRY_MODE (as the AWS SDKs read them), AWS_ECR_MAX_BACKOFF', () => {
  it.each<[Record<string, string>, { maxAttempts: number | undefined; mode: string | undefined; maxBackoffMs: number }]>([
    [{}, { maxAttempts: undefined, mode: undefined, maxBackoffMs: 20_000 }],
    [
      { AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: '' },
      { maxAttempts: undefined, mode: undefined, maxBackoffMs: 20_000 },
    ],
    [{ AWS_MAX_ATTEMPTS: '6' }, { maxAttempts: 6, mode: undefined, maxBackoffMs: 20_000 }],
    [{ AWS_MAX_ATTEMPTS: ' 1 ' }, { maxAttempts: 1, mode: undefined, maxBackoffMs: 20_000 }],
    [{ AWS_MAX_ATTEMPTS: '100' }, { maxAttempts: 100, mode: undefined, maxBackoffMs: 20_000 }],
    [{ AWS_RETRY_MODE: 'adaptive' }, { maxAttempts: undefined, mode: 'adaptive', maxBackoffMs: 20_000 }],
    [{ AWS_RETRY_MODE: 'Standard' }, { maxAttempts: undefined, mode: 'standard', maxBackoffMs: 20_000 }],
    // Other SDKs' default; the SDK for JavaScript v3 has only standard in its place.
    [{ AWS_RETRY_MODE: 'legacy' }, { maxAttempts: undefined, mode: 'standard', maxBackoffMs: 20_000 }],
    [{ AWS_ECR_MAX_BACKOFF: '0.05' }, { maxAttempts: undefined, mode: undefined, maxBackoffMs: 50 }],
    [{ AWS_ECR_MAX_BACKOFF: '20' }, { maxAttempts: undefined, mode: undefined, maxBackoffMs: 20_000 }],
  ])('%j', (env, retry) => {
    const config = parseConfig(env, '/home/u');
    expect(config.retry).toEqual(retry);
    expect(config.warnings).toEqual([]);
  });

  // The SDK's own parseInt would read `3x` as 3 and `0` as a single attempt, and throw on `many`.
  it.each(['0', '-1', '101', '3x', '2.5', 'many', '1e2'])(
    'AWS_MAX_ATTEMPTS=%j: ignored (the profile or the default decide), with a warning',
    (value) => {
      const config = parseConfig({ AWS_MAX_ATTEMPTS: value }, '/home/u');
      expect(config.retry.maxAttempts).toBeUndefined();
      expect(config.warnings).toEqual([`AWS_MAX_ATTEMPTS=${value} is not a number of attempts from 1 to 100; ignoring it`]);
    },
  );

  it.each(['fast', 'standard,adaptive'])('AWS_RETRY_MODE=%j: ignored, with a warning', (value) => {
    const config = parseConfig({ AWS_RETRY_MODE: value }, '/home/u');
    expect(config.retry.mode).toBeUndefined();
    expect(config.warnings).toEqual([`AWS_RETRY_MODE=${value} is not a retry mode (standard or adaptive); ignoring it`]);
  });

  it.each(['0', '21', '0.0001', '1s', '-1'])('AWS_ECR_MAX_BACKOFF=%j: the default, with a warning', (value) => {
    const config = parseConfig({ AWS_ECR_MAX_BACKOFF: value }, '/home/u');
    expect(config.retry.maxBackoffMs).toBe(20_000);
    expect(config.warnings).toEqual([`AWS_ECR_MAX_BACKOFF=${value} is not a number of seconds from 0.001 to 20; using 20`]);
  });
});
