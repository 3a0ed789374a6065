/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, plus: a failed test shows what the programs it ran printed.
  testEnvironment: '<rootDir>/__tests__/helpers/jest-environment.ts',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/__tests__/helpers/jest-setup.ts'],
};
