// Lint: TypeScript rules plus the import-direction rules of DESIGN.md, enforced per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Builds a no-restricted-imports rule that forbids importing the named top-level areas. */
function forbid(message, ...areas) {
  const patterns = areas.map((area) => ({
    group: [`**/${area}/**`, `**/${area}`],
    message: `${message} (DESIGN.md "Allowed imports")`,
  }));
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const effectful = ['node:*', 'fs', 'path', 'http', 'https', 'net', 'dns', 'zlib', 'crypto', 'child_process', 'react', 'react-dom', 'zustand', '@tanstack/react-query'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/out/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: effectful.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'src/core is pure: no I/O, UI or state libraries' })),
        patterns: [
          { group: ['node:*'], message: 'src/core is pure: no Node built-ins' },
          { group: ['**/registry/**', '**/analysis/**', '**/protocol/**', '**/worker-client/**', '**/queries/**', '**/state/**', '**/ui/**', '**/node/**', '**/testing/**'], message: 'core imports nothing outside src/core (DESIGN.md)' },
        ],
      }],
      'no-restricted-globals': ['error', 'fetch', 'window', 'document', 'Worker', 'setTimeout', 'setInterval', 'localStorage', 'indexedDB'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'core is deterministic' }, { object: 'Date', property: 'now', message: 'core is deterministic' }],
    },
  },
  { files: ['src/registry/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid('registry imports only core', 'analysis', 'protocol', 'worker-client', 'queries', 'state', 'ui', 'node', 'testing') },
  { files: ['src/analysis/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid('analysis imports core and registry only', 'worker-client', 'queries', 'state', 'ui', 'node', 'testing') },
  { files: ['src/protocol/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid('protocol holds types shared by page and worker', 'analysis', 'registry', 'worker-client', 'queries', 'state', 'ui', 'node', 'testing') },
  { files: ['src/worker-client/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid('worker-client talks to workers via protocol only', 'analysis', 'registry', 'queries', 'state', 'ui', 'node', 'testing') },
  { files: ['src/queries/**/*.ts', 'src/state/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: forbid('queries/state sit under the UI', 'analysis', 'ui', 'node', 'testing') },
  { files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'], ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'], rules: forbid('ui reaches workers and registries only through queries/state', 'analysis', 'registry', 'worker-client', 'node', 'testing') },
  { files: ['workers/**/*.ts'], rules: forbid('workers are thin entry points over src/analysis', 'ui', 'state', 'queries', 'worker-client', 'node', 'testing') },
  { files: ['server/**/*.ts'], ignores: ['server/**/*.test.ts'], rules: forbid('server never imports the UI', 'ui', 'state', 'queries', 'worker-client') },
  { files: ['cli/**/*.ts'], ignores: ['cli/**/*.test.ts'], rules: forbid('cli drives core, registry and analysis only', 'ui', 'state', 'queries', 'worker-client') },
);
