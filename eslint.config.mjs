// Lint for the whole workspace: typescript-eslint's recommended rules plus Nx module boundaries.
// Pragmatic on purpose so real findings stand out: `_`-prefixed names may go unused, tests may
// use `any`, and tools/ (plain Node scripts) are linted as JavaScript only.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const TESTS = ['**/*.spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts', '**/__fixtures__/**'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'libs/contracts/src/gen/**', '.data/**', '.nx/**', 'coverage/**'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Services talk to each other over NATS only: nothing imports a service or an adapter.
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'], notDependOnLibsWithTags: ['type:service', 'type:adapter'] },
            // An adapter sees the adapter kit and money (@cardshop/payments) and the platform, nothing else.
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['scope:payments', 'scope:platform'], notDependOnLibsWithTags: ['type:service', 'type:adapter'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Nest modules and DTO classes are legitimately empty or decorator-only.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: TESTS,
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Plain Node scripts (CommonJS and ESM) under tools/ and the CI runner.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  prettier,
);
