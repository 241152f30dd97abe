// ESLint for the whole project, type-aware where it matters: a promise nobody awaits or catches, a promise
// handed where VS Code expects a plain callback, and type-only imports written as such (they vanish from the
// bundle). Run by `npm test` (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const typeAware = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  // `typeof import('…')` stays allowed: it types what a lazily loaded file provides without loading it.
  '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/tmp/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Control characters are what the sanitisers of names, markup and PNG text look for on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A handler declared before the value it closes over is assigned (servers that refer to themselves).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Lines stay readable side by side; a long message, URL or pattern is one string and stays whole.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/webview/**'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: typeAware,
  },
  {
    files: ['src/webview/**/*.ts'],
    languageOptions: { parserOptions: { project: './src/webview/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: typeAware,
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: typeAware,
  },
);
