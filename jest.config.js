/** Tests mirror the source layout: test/lib, test/lambda, test/local-cloud, test/e2e, test/conformance, test/bench (the benchmark models). */
module.exports = {
  testEnvironment: 'node',
  // Sources are tested as TypeScript, not the .js tsc leaves beside them.
  moduleFileExtensions: ['ts', 'js', 'json'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
  testTimeout: 120000,
  maxWorkers: 2,
};
