import { sanitizeSdkText } from '../../../src/aws/sanitize-sdk-text';

describe('sanitizeSdkText', () => {
  it.each([
    ['Could not load credentials from any providers', 'Could not load credentials from any providers'],
    [
      'Command failed: /opt/get-creds --password=hunter2\nsecret on stderr\n',
      'Command failed: [the credential_process command line and its output are not shown: they may hold secrets]',
    ],
    [
      '@smithy/property-provider -> Command failed: sh -c "x" pw',
      '@smithy/property-provider -> Command failed: [the credential_process command line and its output are not shown: they may hold secrets]',
    ],
    ['a\n\n  b\tc', 'a b c'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeSdkText(input)).toBe(expected);
  });

  it('cuts text past 1000 characters', () => {
    expect(sanitizeSdkText('x'.repeat(5000))).toBe(`${'x'.repeat(1000)}…`);
  });
});
