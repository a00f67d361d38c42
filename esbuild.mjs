// Bundles the extension host entry, the scoring worker, the results reader and the CLI into dist/.
// onnxruntime-node ships native binaries and must stay an unbundled dependency.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'onnxruntime-node', 'onnxruntime-common'],
  // transformers.js requires sharp at load time for image inputs; we only score text.
  alias: { sharp: './src/core/sharp-stub.ts' },
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { worker: 'src/worker/worker.ts' }, outdir: 'dist' },
  // Results files are parsed in a worker of their own (no model runtime in it: quick to start, safe to terminate).
  { ...node, entryPoints: { reader: 'src/worker/reader.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // The webviews' scripts (answer panel, evaluation report) run in a browser, not in Node.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: { answer: 'src/webview/answer.ts', report: 'src/webview/report/main.ts' },
    outdir: 'dist/webview',
    logLevel: 'warning',
  },
];

// The webview may only load from dist/webview (its localResourceRoots): put its styles and icons there.
mkdirSync('dist/webview', { recursive: true });
for (const css of ['answer.css', 'report.css']) copyFileSync(`media/${css}`, `dist/webview/${css}`);
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);

// `--tests`: the extension-host integration suites, loaded by VS Code from out/test/<suite>: `integration`
// (every editor, from VS Code 1.100) and `integration-lm` (the language-model and chat tests, VS Code 1.117).
if (process.argv.includes('--tests')) {
  for (const suite of ['integration', 'integration-lm']) {
    const dir = `test/${suite}`;
    builds.push({
      ...node,
      entryPoints: readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`),
      outdir: `out/test/${suite}`,
      external: [...node.external, 'mocha'],
    });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
