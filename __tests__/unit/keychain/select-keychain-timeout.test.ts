import { selectKeychainTimeout, UNATTENDED_MACOS_TIMEOUT_MS } from '../../../src/keychain/select-keychain-timeout';

describe('selectKeychainTimeout: how long a keychain call may wait', () => {
  it.each([
    ['macOS, nobody at a terminal (CI, launchd, an IDE): short, so no pull waits on a prompt', 'darwin', 15_000, false, 3000],
    ['macOS, started from a shell: the whole budget, so a person can answer the prompt', 'darwin', 15_000, true, 15_000],
    ['macOS, a budget already shorter than that: the budget', 'darwin', 2000, false, 2000],
    ['Linux: the budget (the Secret Service prompts only to unlock)', 'linux', 15_000, false, 15_000],
    ['Windows: the budget (Credential Manager never prompts)', 'win32', 15_000, false, 15_000],
  ] as const)('%s', (_what, platform, budgetMs, terminal, expected) => {
    const asked: string[] = [];
    const timeout = selectKeychainTimeout({
      budgetMs,
      platform,
      hasControllingTerminal: () => {
        asked.push(platform);
        return terminal;
      },
    });
    expect(timeout).toBe(expected);
    // The terminal is looked for only where the answer matters: macOS, with time to shorten.
    expect(asked).toEqual(platform === 'darwin' && budgetMs > UNATTENDED_MACOS_TIMEOUT_MS ? ['darwin'] : []);
  });
});
