import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Data access has one shape: every SQL statement lives in a `*.repository.ts` of the module that
 * owns the table (issue #13). Outside repositories, `src/database/**` and migrations, running SQL
 * (`.query(`), importing the raw SQL helpers or injecting TypeORM repositories is an error.
 */
const DATA_ACCESS_EXEMPT = ['**/*.repository.ts', 'src/database/**', '**/migrations/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: DATA_ACCESS_EXEMPT,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'SQL belongs in a *.repository.ts of the module that owns the table.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@nestjs/typeorm', importNames: ['InjectRepository'], message: "Use the module's *.repository.ts instead." },
            { name: 'typeorm', importNames: ['Repository'], message: "Use the module's *.repository.ts instead." },
          ],
          patterns: [
            {
              group: ['**/database/sql', '**/database/sql.ts'],
              message: 'Raw SQL helpers are for repositories: move the statement into a *.repository.ts.',
            },
            {
              group: ['**/accounts/store-settings'],
              importNames: ['resolveStoreSettings'],
              message: 'Store settings are resolved once, by StoreDirectory: read StoreView.settings.',
            },
          ],
        },
      ],
    },
  },
  {
    // Browser scripts shipped as they are (no build step): classic scripts with the browser's globals.
    // Their types are checked by `tsc -p tsconfig.browser.json` (// @ts-check + JSDoc).
    files: ['src/**/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
);
