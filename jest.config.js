// The build under test, as __tests__/helpers/run-helper.ts reads it: `npm run test:exe` sets it.
const exe = process.env.ECR_LOGIN_TEST_RUNTIME === 'exe' || Boolean(process.env.ECR_LOGIN_TEST_EXE);

/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, plus: a failed test shows what the programs it ran printed.
  testEnvironment: '<rootDir>/__tests__/helpers/jest-environment.ts',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Files that hold only one pass's tests (helpers/run-helper.ts: describeExeOnly,
  // describeNodeOnly) are left out of the other pass: every test runs in exactly one pass.
  testPathIgnorePatterns: exe
    ? ['/node_modules/', '/__tests__/integration/demo\\.test\\.ts$']
    : ['/node_modules/', '/__tests__/integration/executable\\.test\\.ts$'],
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/__tests__/helpers/jest-setup.ts'],
};
