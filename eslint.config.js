// Lint rules, including the layering of HOUSE_STYLE.md: `vscode` only in the adapters, nothing Node-specific in
// src/shared and src/webview, and the webview importing only src/shared.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'vscode may be imported only in src/vscode and src/extension.ts.' };
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'stream', 'util', 'execa'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.vsix'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  {
    // Loaded by VS Code's extension host with require().
    files: ['test/vscode/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: nodeBuiltins, message: 'src/core is pure: no Node APIs, no processes.' }, { group: ['**/node/*', '**/vscode/*'], message: 'src/core may import only src/core and src/shared.' }] }],
    },
  },
  {
    files: ['src/shared/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: nodeBuiltins, message: 'Browser code: no Node APIs.' }, { group: ['**/core/*', '**/node/*', '**/vscode/*'], message: 'src/shared and the webview may import only src/shared.' }] }],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/vscode/*'], message: 'src/node must not depend on the VS Code adapters.' }] }],
    },
  },
);
