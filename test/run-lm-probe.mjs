#!/usr/bin/env node
// Runs the language-model probe suite (test/lm-probe/suite) in the newer editor (target 'lm', code-server
// 4.117 on Node 22): the @probe participant (test/lm-probe) is the development extension, the fake language
// model (test/lm-fake-extension) is installed from a VSIX. Proves the harness recipe the @rerank participant's tests build on.
//
//   node test/run-lm-probe.mjs [--grep <pattern>] [--timeout <ms>] [--screenshot <file.png>] [--verbose]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, runExtensionTests } from './support/code-server.mjs';
import { ensureTestTools } from './support/ensure-tools.mjs';
import { FAKE_LM_ID, fakeLanguageModelVsix } from './support/test-extensions.mjs';

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    timeout: { type: 'string', default: process.env.RERANK_LENS_TEST_TIMEOUT ?? '300000' },
    screenshot: { type: 'string' },
    verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' },
  },
});

const missingTools = ensureTestTools({ target: 'lm', log: (m) => console.error(`run-lm-probe: ${m}`) });
if (missingTools) {
  console.error(`run-lm-probe: ${missingTools}`);
  process.exit(1);
}

const workspace = mkdtempSync(join(tmpdir(), 'rerank-lens-lm-ws-'));
writeFileSync(join(workspace, 'notes.md'), '# probe workspace\n');
const probe = join(REPO_ROOT, 'test', 'lm-probe');
const code = await runExtensionTests({
  target: 'lm',
  extensionDevelopmentPath: probe,
  extensions: [fakeLanguageModelVsix()],
  extensionTestsPath: join(probe, 'suite', 'index.js'),
  enableProposedApi: [FAKE_LM_ID],
  workspace,
  env: opts.grep ? { RERANK_LENS_TEST_GREP: opts.grep } : {},
  timeoutMs: Number(opts.timeout),
  screenshotPath: opts.screenshot,
  verbose: opts.verbose,
});
rmSync(workspace, { recursive: true, force: true });
process.exit(code);
