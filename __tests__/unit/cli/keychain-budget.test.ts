import { keychainBudgetOf } from '../../../src/cli/keychain-budget';

describe('keychainBudgetOf (the keychain time a command gets)', () => {
  it.each([
    ['get', 50_000, 49_000],
    [undefined, 50_000, 49_000],
    ['doctor', 50_000, 6250],
    ['configure', 50_000, 5000],
    ['configure', 16_000, 2000],
  ])('%s, with %d ms for the command: %d ms', (command, commandTimeoutMs, budget) => {
    expect(keychainBudgetOf(command, commandTimeoutMs)).toBe(budget);
  });
});
