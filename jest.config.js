/** Tests mirror the source layout: test/lib, test/lambda, test/local-cloud, test/e2e, test/conformance. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json', isolatedModules: true }] },
  setupFiles: ['<rootDir>/test/setup-polyfills.js'],
  testTimeout: 120000,
  maxWorkers: 2,
};
