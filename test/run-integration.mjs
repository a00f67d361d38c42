#!/usr/bin/env node
// Runs an extension-host integration suite inside a real VS Code: code-server + headless Debian Chromium,
// offline. Exits with the suite's code.
//
//   node test/run-integration.mjs [--target min|lm] [--grep <pattern>] [--timeout <ms>] [--screenshot <file.png>] [--verbose]
//
// --target min (default): out/test/integration/index.js in code-server 4.100.3 (VS Code 1.100, the minimum).
// --target lm: out/test/integration-lm/index.js in code-server 4.117 (VS Code 1.117) with the fake language
//   model (test/lm-fake-extension) installed from its VSIX: the @rerank participant and vscode.lm Ask.
// --grep is handed to the extension host as RERANK_LENS_TEST_GREP (the suite's index applies it).
// See test/support/README.md.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { makeModel } from './fixtures/make-model.mjs';
import { REPO_ROOT, runExtensionTests } from './support/code-server.mjs';
import { ensureTestTools } from './support/ensure-tools.mjs';
import { FAKE_LM_ID, fakeLanguageModelVsix } from './support/test-extensions.mjs';

const { values: opts } = parseArgs({
  options: {
    target: { type: 'string', default: 'min' },
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

const SUITES = { min: 'integration', lm: 'integration-lm' };
const target = opts.target;
if (!SUITES[target]) fail(`unknown --target ${JSON.stringify(target)} (min or lm)`);

const missingTools = ensureTestTools({ target, log: (m) => console.error(`run-integration: ${m}`) });
if (missingTools) fail(missingTools);

const suite = join(REPO_ROOT, 'out', 'test', SUITES[target], 'index.js');
if (!existsSync(suite)) fail(`${relative(REPO_ROOT, suite)} is missing: compile the integration suites first (npm run build:tests).`);
const main = join(REPO_ROOT, 'dist', 'extension.js');
if (!existsSync(main)) fail(`${relative(REPO_ROOT, main)} is missing: run \`npm run build\` first.`);

// The suite works on a copy of sample/ (plus a malformed file) so nothing in the repo can change.
const workspace = mkdtempSync(join(tmpdir(), 'rerank-lens-ws-'));
cpSync(join(REPO_ROOT, 'sample'), workspace, { recursive: true });
writeFileSync(join(workspace, 'broken_results.json'), '[\n  {"id": 1, "text": "a"}\n  {"id": 2, "text": "b"}\n]\n');
const model = join(REPO_ROOT, 'test', '.models', 'tiny');
await makeModel({ out: model, preset: 'tiny', quant: true });

const code = await runExtensionTests({
  target,
  extensionDevelopmentPath: REPO_ROOT,
  extensionTestsPath: suite,
  // The lm target: the scripted language model next to the extension under test (one development extension per window).
  extensions: target === 'lm' ? [fakeLanguageModelVsix()] : [],
  enableProposedApi: target === 'lm' ? [FAKE_LM_ID] : [],
  workspace,
  settings: { 'rerankLens.modelPath': model, 'rerankLens.allowRemoteModels': false },
  env: opts.grep ? { RERANK_LENS_TEST_GREP: opts.grep } : {},
  timeoutMs: Number(opts.timeout),
  screenshotPath: opts.screenshot,
  verbose: opts.verbose,
});
rmSync(workspace, { recursive: true, force: true });
process.exit(code);
