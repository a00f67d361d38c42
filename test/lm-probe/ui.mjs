#!/usr/bin/env node
// UI probe of the language-model target: in code-server 4.117 (VS Code 1.117 web) with the fake language model
// and the throwaway @probe participant installed from VSIXes, headless Chromium opens the Chat view (Ctrl+Alt+I),
// checks the model picker shows the fake model, types "@probe hello" into the chat input (the auxiliary bar's
// Monaco editor) and reads the fake's streamed answer back from the DOM; then Stop cancels a hanging request.
// The fake's replies come from a script file and its requests are read from a record file (see
// test/lm-fake-extension/README.md). Offline. Exits 0 when every check passes, 1 otherwise.
//
//   node test/lm-probe/ui.mjs [--verbose]
//
// Screenshots in test-results/: lm-chat-probe.png (the answer), lm-chat-probe-failure.png when a check fails.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { BROWSER_SIGNALS, RESULTS_DIR, assert, assertEqual, createCleanup, createRun } from '../e2e/helpers.mjs';
import { REPO_ROOT, installVsix, launchBrowser, startCodeServer } from '../support/code-server.mjs';
import { ensureTestTools } from '../support/ensure-tools.mjs';
import { FAKE_LM_ID, FAKE_LM_VENDOR, fakeLanguageModelVsix, packageTestExtension } from '../support/test-extensions.mjs';

const { values: opts } = parseArgs({ options: { verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' } } });

const SCREENSHOT = join(RESULTS_DIR, 'lm-chat-probe.png');
const FAILURE_SCREENSHOT = join(RESULTS_DIR, 'lm-chat-probe-failure.png');

// Chat view selectors (VS Code 1.117 web).
const CHAT_INPUT = '.interactive-input-part .interactive-input-editor .monaco-editor';
const MODEL_PICKER = '.interactive-input-part .action-label[aria-label^="Pick Model, "]';
const CANCEL = '.interactive-input-part .action-label[aria-label^="Cancel"]';
const RESPONSE = '.interactive-item-container.interactive-response';
const LAST_RESPONSE = `${RESPONSE}.chat-most-recent-response`;
const LOADING = '.chat-response-loading';

const ANSWER = ['Hello ', 'from ', 'the ', 'fake ', 'model.'];
const REPLIES = [
  { parts: ANSWER, delayMs: 150 }, // streamed, so the test sees it grow
  { parts: ['Thinking… '], hang: true, hangMs: 120_000 }, // until Stop
];

let page;
const run = createRun({ failureScreenshot: FAILURE_SCREENSHOT, page: () => page });
const missingTools = ensureTestTools({ target: 'lm', log: (m) => console.error(`lm probe: ${m}`) });
if (missingTools) {
  console.error(`lm probe: ${missingTools}`);
  run.fail('the test tools are missing');
  run.finish();
}
const resources = createCleanup();
mkdirSync(RESULTS_DIR, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'rerank-lens-lm-ui-'));
resources.tempDirs.push(work);
const workspace = join(work, 'workspace');
mkdirSync(workspace);
writeFileSync(join(workspace, 'notes.md'), '# probe workspace\n');
const scriptFile = join(work, 'fake-lm-script.json');
const recordFile = join(work, 'fake-lm-requests.json');
writeFileSync(scriptFile, JSON.stringify(REPLIES));
const recorded = () => (existsSync(recordFile) ? JSON.parse(readFileSync(recordFile, 'utf8')) : []);

/** Text of the last response's Markdown (progress messages such as "Working" are separate and skipped). */
const lastAnswer = () =>
  page
    .locator(`${LAST_RESPONSE} .rendered-markdown`)
    .evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? '').filter((t) => t && t !== 'Working').join('\n'));

async function send(text) {
  await page.locator(CHAT_INPUT).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

try {
  await run.check('the fake model and the probe install into the 4.117 profile', async () => {
    const extensionsDir = join(work, 'extensions');
    await installVsix(fakeLanguageModelVsix(), extensionsDir, 'lm');
    await installVsix(packageTestExtension(join(REPO_ROOT, 'test', 'lm-probe')), extensionsDir, 'lm');
    resources.server = await startCodeServer({
      target: 'lm',
      workspace,
      extensionsDir,
      enableProposedApi: [FAKE_LM_ID],
      env: { RERANK_LENS_FAKE_LM_SCRIPT: scriptFile, RERANK_LENS_FAKE_LM_RECORD: recordFile },
      onOutput: opts.verbose ? (t) => process.stderr.write(`[code-server] ${t}`) : undefined,
    });
    resources.browser = await launchBrowser(BROWSER_SIGNALS);
    page = await resources.browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (opts.verbose) page.on('console', (m) => process.stderr.write(`[browser:${m.type()}] ${m.text()}\n`));
    await page.goto(`${resources.server.url}?${new URLSearchParams({ folder: workspace })}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  });

  await run.check('Ctrl+Alt+I opens the Chat view with the fake model selected', async () => {
    await page.locator('.part.editor').click(); // keyboard shortcuts need focus in the workbench
    await page.keyboard.press('Control+Alt+KeyI');
    await page.locator(`${CHAT_INPUT}.focused`).waitFor({ timeout: 30_000 });
    // The picker shows the fake once the provider announced its models (a participant request sent before
    // that gets "Language model unavailable").
    const picker = page.locator(MODEL_PICKER);
    await picker.filter({ hasText: 'Fake Model' }).waitFor({ timeout: 30_000 });
  });

  await run.check('"@probe hello" typed in the chat input is answered by the fake model, streamed', async () => {
    await send('@probe hello');
    const request = page.locator('.interactive-item-container.interactive-request').last();
    await request.filter({ hasText: '@probe hello' }).waitFor({ timeout: 30_000 });
    // Streamed: the first word shows while the response is still loading.
    await page.locator(`${LAST_RESPONSE}${LOADING}`).filter({ hasText: 'Hello' }).waitFor({ timeout: 30_000 });
    await page.locator(`${LAST_RESPONSE}:not(${LOADING})`).waitFor({ timeout: 30_000 });
    assertEqual(await lastAnswer(), ANSWER.join('').trim(), 'answer in the Chat view');
    await page.screenshot({ path: SCREENSHOT });
    console.log(`    screenshot: ${relative(process.cwd(), SCREENSHOT)}`);
    const [first] = recorded();
    assert(first, 'the fake model recorded a request');
    assertEqual(first.model, { id: 'fake-model', family: 'fake', vendor: FAKE_LM_VENDOR }, 'model asked');
    assertEqual(first.messages.at(-1).text, 'hello', 'prompt the participant sent');
    assertEqual(first.options.requestInitiator, 'rerank-lens-test.lm-probe', 'request initiator');
    assertEqual(first.outcome, 'done', 'outcome');
  });

  await run.check('Stop ends a hanging participant request', async () => {
    await send('@probe take your time');
    await page.locator(`${LAST_RESPONSE}${LOADING}`).filter({ hasText: 'Thinking' }).waitFor({ timeout: 30_000 });
    await page.locator(CANCEL).click();
    await page.locator(`${LAST_RESPONSE}:not(${LOADING})`).waitFor({ timeout: 10_000 });
    assertEqual(await lastAnswer(), 'Thinking…', 'answer kept after Stop');
    const second = recorded()[1];
    assertEqual(second?.messages.at(-1).text, 'take your time', 'second prompt');
    // VS Code 1.117 does not pass the chat's cancellation on to the model provider (fixed in 1.127).
    console.log(`    fake model's view of the stopped request: ${second.outcome}`);
  });
} catch (err) {
  run.fail(err);
} finally {
  await resources.done();
}
run.finish();
