// Flat config: @eslint/js + typescript-eslint recommended (syntax only, no type-aware rules),
// React's hooks rules for the React code, plus the architecture's one-way import arrows
// (docs/ARCHITECTURE.md).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Relative specifiers that climb out of the current folder into a sibling src/ folder,
// e.g. '../main/window' or '../../core/pool/repo', or any specifier naming 'src/<folder>'.
const sibling = (...folders) => {
  const names = folders.join('|');
  return `^((\\.\\./)+|(.*/)?src/)(${names})(/|$)`;
};
// A bare package specifier (with or without subpath), e.g. 'react', 'react-dom/client'.
const pkg = (...names) => `^(${names.join('|')})(/|$)`;

const restrict = (...groups) => ['error', { patterns: groups }];

export default defineConfig(
  { ignores: ['out/', 'node_modules/', 'dist/', '.tmp/', 'test-results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The rules of hooks and the React Compiler's checks, on everything that renders React.
    files: ['src/renderer/**/*.{ts,tsx}', 'test/components/**/*.{ts,tsx}', 'test/bench/chart-page/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      // A missing dependency is a stale-value bug: an error, not a warning nobody reads.
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['bin/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': restrict(
        {
          regex: sibling('main', 'server', 'cli', 'renderer', 'preload'),
          message: 'core/ must not import main/, server/, cli/, renderer/ or preload/ (arrows point into core).',
        },
        {
          regex: pkg('electron', 'react', 'react-dom', 'recharts'),
          message: 'core/ is Node only: it imports neither electron nor react.',
        },
      ),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        {
          regex: sibling('core', 'main', 'server', 'cli', 'renderer', 'preload'),
          message: 'shared/ is the contract: it imports nothing but zod.',
        },
        {
          // Any bare specifier (package or node: builtin) other than zod.
          regex: '^(?![./])(?!zod(/|$))',
          message: 'shared/ is the contract: it imports nothing but zod.',
        },
      ),
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': restrict(
        {
          regex: sibling('core', 'main', 'server', 'cli', 'renderer'),
          message: 'preload/ exposes the shared/ contract; it imports nothing from core/, main/, server/, cli/ or renderer/.',
        },
        {
          regex: pkg('sequelize', 'mysql2', 'umzug'),
          message: 'preload/ never touches the database.',
        },
      ),
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        {
          regex: sibling('core', 'main', 'server', 'cli'),
          message: 'renderer/ talks to the back end only through the shared/ contract and the object the preload exposes.',
        },
        {
          regex: pkg('sequelize', 'mysql2', 'umzug', 'electron'),
          message: 'renderer/ never touches the database or electron.',
        },
      ),
    },
  },
);
