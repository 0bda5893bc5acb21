// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * Size limits hold for production code only: a describe block is long by nature. Warnings, but
 * `npm run lint` runs with --max-warnings 0, so an exception must say why where it stands:
 * `// eslint-disable-next-line max-lines-per-function -- <reason>` above the function, or
 * `/* eslint-disable max-lines -- <reason> *\/` at the top of the file. A stale one fails too.
 */
const sizeRules = {
  'max-lines': ['warn', { max: 300, skipBlankLines: false, skipComments: false }],
  'max-lines-per-function': ['warn', { max: 60, skipBlankLines: false, skipComments: false, IIFEs: true }],
};

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'out/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // An async method that implements a Promise-returning port turns a throw into a rejection,
      // which is what the port's callers handle: it needs no await to be right.
      '@typescript-eslint/require-await': 'off',
      // `xs[i] as T` marks an index known to be in bounds (the stand-in for the banned `!`); it
      // stays meaningful if noUncheckedIndexedAccess is turned on, so it is not "unnecessary".
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Jest reads methods off objects to assert on them (`expect(fake.abort)`), and destructures
      // helpers' results; no method is called unbound through these.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: sizeRules,
  },
  {
    // The domain is pure: time, output and the process come in through ports (ARCHITECTURE.md §1).
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': [
        'error',
        ...['process', 'setTimeout', 'setInterval', 'setImmediate', 'Buffer', 'require'].map((name) => ({
          name,
          message: 'The domain has no timers, process or I/O: take them through a port.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The domain reads time from the ClockPort.' },
      ],
    },
  },
  prettier,
);
