/** Tests mirror the source layout: test/lib, test/lambda, test/local-cloud, test/e2e, test/conformance, test/bench (the benchmark models). */
module.exports = {
  testEnvironment: 'node',
  // Sources are tested as TypeScript, not the .js tsc leaves beside them.
  moduleFileExtensions: ['ts', 'js', 'json'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
  // Above the local cloud's own waits (waitForReport, settle: 120 s), so a stuck run fails with their message of what is in flight.
  testTimeout: 180000,
  maxWorkers: 2,
};
