// Lint, including the folder boundaries of DESIGN.md:
//   src-renderer never imports src-main or Node; src-shared imports neither side;
//   src-main/engine never imports electron (nor the shells around it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeModules = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'better-sqlite3',
  'onnxruntime-node',
  'ws',
];
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bin/**',
      '.electron-native/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: restrict([
      {
        group: ['**/src-main/**', 'electron', ...nodeModules],
        message: 'The renderer talks only to the contract in src-shared.',
      },
    ]),
  },
  {
    files: ['src-shared/**'],
    rules: restrict([
      {
        group: ['**/src-main/**', '**/src-renderer/**', 'electron', ...nodeModules],
        message: 'src-shared depends on neither side.',
      },
    ]),
  },
  {
    files: ['src-main/engine/**'],
    rules: restrict([
      {
        group: ['electron', '**/app/**', '**/serve/**', '**/cli/**', '**/src-renderer/**'],
        message: 'The engine is plain Node: no Electron, no shells.',
      },
    ]),
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/engine/**'],
    rules: restrict([{ group: ['**/src-renderer/**'], message: 'Main code never imports the renderer.' }]),
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
