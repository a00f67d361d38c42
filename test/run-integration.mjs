#!/usr/bin/env node
// Runs the extension-host integration suite (out/test/integration/index.js) inside a real VS Code:
// code-server + headless Debian Chromium, offline. Exits with the suite's code.
//
//   node test/run-integration.mjs [--grep <pattern>] [--timeout <ms>] [--screenshot <file.png>] [--verbose]
//
// --grep is handed to the extension host as RERANK_LENS_TEST_GREP (the suite's index applies it).
// See test/support/README.md.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { makeModel } from './fixtures/make-model.mjs';
import { REPO_ROOT, runExtensionTests } from './support/code-server.mjs';
import { ensureTestTools } from './support/ensure-tools.mjs';

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    timeout: { type: 'string', default: process.env.RERANK_LENS_TEST_TIMEOUT ?? '600000' },
    screenshot: { type: 'string' },
    verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' },
  },
});

const fail = (message) => {
  console.error(`run-integration: ${message}`);
  process.exit(1);
};

const missingTools = ensureTestTools();
if (missingTools) fail(missingTools);

const suite = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
if (!existsSync(suite)) fail(`${relative(REPO_ROOT, suite)} is missing: compile the integration suite first.`);
const main = join(REPO_ROOT, 'dist', 'extension.js');
if (!existsSync(main)) fail(`${relative(REPO_ROOT, main)} is missing: run \`npm run build\` first.`);

// The suite works on a copy of sample/ (plus a malformed file) so nothing in the repo can change.
const workspace = mkdtempSync(join(tmpdir(), 'rerank-lens-ws-'));
cpSync(join(REPO_ROOT, 'sample'), workspace, { recursive: true });
writeFileSync(join(workspace, 'broken_results.json'), '[\n  {"id": 1, "text": "a"}\n  {"id": 2, "text": "b"}\n]\n');
const model = join(REPO_ROOT, 'test', '.models', 'tiny');
await makeModel({ out: model, preset: 'tiny', quant: true });

const code = await runExtensionTests({
  extensionDevelopmentPath: REPO_ROOT,
  extensionTestsPath: suite,
  workspace,
  settings: { 'rerankLens.modelPath': model, 'rerankLens.allowRemoteModels': false },
  env: opts.grep ? { RERANK_LENS_TEST_GREP: opts.grep } : {},
  timeoutMs: Number(opts.timeout),
  screenshotPath: opts.screenshot,
  verbose: opts.verbose,
});
rmSync(workspace, { recursive: true, force: true });
process.exit(code);
