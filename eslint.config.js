import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', 'reports/**', '**/.cache/**', '**/scratch/**'] },
  js.configs.recommended,
  // Type-aware rules: every file is checked against one program, the root tsconfig.json's (every package's src, test,
  // scripts and vitest configs, and the root's shared vitest files): a package's sources are checked once, not once
  // per package that imports them, as per-package programs did (eslint 147 -> 60 s of CPU).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A promise nobody awaits loses its rejection: every one must be awaited, returned or handed to `void` with a
      // .catch; an async function passed where a void callback is expected has the same problem.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: `async` without `await` is deliberate here. It implements a Promise-returning contract (Fastify route
      // handlers, the Evaluator/Suggester/SuggestRunner interfaces) and turns a synchronous throw into a rejection
      // the caller already handles; none of the rule's 22 hits was a bug.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Tests read wire data untyped on purpose (HTTP response bodies, summary.json and journal files parsed with
  // JSON.parse) to assert the exact shape a client sees rather than the type the producer claims; the no-unsafe-*
  // family flags every property read of such a value (about 260 hits, all in tests). Source code keeps these rules.
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript (build scripts, worker boot files) has no types to check against.
  { files: ['**/*.{js,mjs,cjs}'], ...tseslint.configs.disableTypeChecked },
  // Each package declares the npm packages it imports in its own package.json (found as the nearest one to the file):
  // dependencies for src, devDependencies allowed only in tests, test helpers, scripts and the vitest config.
  {
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          devDependencies: [
            '**/*.test.ts',
            '**/test/**',
            '**/scripts/**',
            '**/vitest.config.ts',
            '**/vitest.*.config.ts',
            // the workspace's own tooling at the root: this file, the shared vitest settings, the Nx plugin
            'eslint.config.js',
            'vitest.*.ts',
            'tools/**',
          ],
          optionalDependencies: false,
          peerDependencies: false,
        },
      ],
    },
  },
);
