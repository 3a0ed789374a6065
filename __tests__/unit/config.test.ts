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
