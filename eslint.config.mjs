import tseslint from 'typescript-eslint';

/**
 * Layers, enforced: each folder of src/ may import only from the layers below it. Patterns are matched
 * against the import string, so they catch `../extension/x` and `../../cli/y` alike.
 */
const layer = (name) => ({ regex: `^(\\.\\./)+${name}(/|$)`, message: `this layer must not import src/${name}.` });
const zone = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const vscode = { name: 'vscode', message: 'only src/extension (and the in-editor tests) may import vscode.' };
const modelRuntime = [
  '@huggingface/transformers',
  'onnxruntime-node',
  'onnxruntime-common',
  'onnxruntime-web',
].map((name) => ({ name, message: 'the model runtime runs only in the worker: go through ScoringWorker (core/scoring/worker-client).' }));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'bench/.models/**', '.tools/**', 'test-results/**', 'media/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './src/webview/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  // The core runs in the CLI and the worker too: never the editor, never a front end.
  zone(['src/core/**/*.ts'], { paths: [vscode], patterns: ['extension', 'cli', 'worker', 'webview'].map(layer) }),
  // Types shared across a boundary (worker, webview): a leaf that imports nothing of the project's but itself.
  zone(['src/shared/**/*.ts'], { paths: [vscode], patterns: [{ regex: '^\\.\\./', message: 'src/shared imports only src/shared.' }] }),
  zone(['src/worker/**/*.ts'], { paths: [vscode], patterns: ['extension', 'cli', 'webview'].map(layer) }),
  zone(['src/cli/**/*.ts'], { paths: [vscode], patterns: ['extension', 'webview'].map(layer) }),
  // The extension host never loads the model runtime (it would block the editor): only the worker does.
  zone(['src/extension/**/*.ts'], {
    paths: modelRuntime,
    patterns: [
      ...['cli', 'worker', 'webview'].map(layer),
      { regex: '(^|/)scoring/cross-encoder$', message: 'the cross-encoder runs only in the worker: go through ScoringWorker.' },
    ],
  }),
  // The webview is a browser page: its own folder and src/shared only.
  zone(['src/webview/**/*.ts'], {
    paths: [vscode],
    patterns: [{ regex: '^\\.\\./(?!shared/)', message: 'src/webview imports only its own folder and src/shared.' }],
  }),
  // A webview with its own folder (the report): the same rule, one level deeper.
  zone(['src/webview/*/**/*.ts'], {
    paths: [vscode],
    patterns: [{ regex: '^\\.\\./(?!\\.\\./shared/)', message: 'a webview folder imports only itself and src/shared.' }],
  }),
  {
    // Test-only extensions in plain JS: VS Code loads them (and their suites) as CommonJS.
    files: ['test/lm-*/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
