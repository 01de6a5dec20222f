// ESLint 9 flat config: @eslint/js and typescript-eslint recommended rules over the sources
// (TypeScript everywhere; plain JavaScript in bench/, scripts/ and the CLI's bin/). `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node.js globals the plain JavaScript files use. */
const node = Object.fromEntries([
  'require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'URL', 'URLSearchParams',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'structuredClone',
  'TextEncoder', 'TextDecoder', 'AbortController', 'fetch', 'performance',
].map((name) => [name, 'readonly']));

export default tseslint.config(
  // A disable comment that no longer suppresses anything is an error: every one names a real, needed rule.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    // Generated: tsc writes .js/.d.ts beside each .ts; bundles, snapshots and synth output.
    ignores: [
      '**/node_modules/**', '**/*.d.ts', 'assets/**', 'cdk.out/**', 'dist/**', 'coverage/**', 'test/**/*.snapshot/**',
      'lib/**/*.js', 'lambda/**/*.js', 'test/**/*.js', 'example/**/*.js', 'packages/cli/local-cloud/**/*.js',
      'packages/cli/samples/**', 'packages/cli/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // `import x = require('m')` is TypeScript's import of a CommonJS module as it is (used where the
    // module object itself is patched); only bare require() calls are flagged.
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: node },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS scripts load modules with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The handlers load each step and SDK client with require() when first used, so a cold start
    // pays only for what the invocation needs (see lambda/engine.ts).
    files: ['lambda/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The local cloud and the tests handle AWS wire JSON and synthesized templates of any shape.
    files: ['packages/cli/local-cloud/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    rules: {
      // CSV, username and name rules are about control characters: patterns name them on purpose.
      'no-control-regex': 'off',
      // Unused arguments are kept when they document a callback's shape; prefix with _ to say so.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
