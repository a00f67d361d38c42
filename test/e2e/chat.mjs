#!/usr/bin/env node
// UI end-to-end test of the @rerank chat participant in the packaged extension, in the newer editor (the `lm`
// target: code-server 4.117 = VS Code 1.117 web) with the scripted fake language model (test/lm-fake-extension)
// as the Chat view's model. Headless Chromium opens the Chat view, types "@rerank What is context size of
// Mixtral?", picks the pre-selected results files, and reads back from the DOM: the streamed answer, the
// references to the top 3 chunks, the [n] citations, the follow-up; then a citation opens its chunk and
// "Show in Reranked Results" shows the same results in the tree. Offline. Exits 0 when every check passes.
//
//   node test/e2e/chat.mjs [--vsix FILE] [--verbose]
//
// Screenshots in test-results/: chat-answer.png (the answer with its references), chat-failure.png when a
// check fails. The fake's replies come from a script file, its requests are read from a record file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { FAKE_LM_ID, FAKE_LM_VENDOR, fakeLanguageModelVsix } from '../support/test-extensions.mjs';
import {
  FILES,
  QUERY,
  RESULTS_DIR,
  TOP_K,
  VIEW,
  activeEditorText,
  assert,
  assertEqual,
  createCleanup,
  createRun,
  installPackagedExtension,
  openWorkbench,
  readFilePick,
  readTree,
  requireCodeServer,
  sampleWorkspace,
  waitForResults,
} from './helpers.mjs';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string', default: process.env.RERANK_LENS_E2E_VSIX },
    verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' },
  },
});

const SCREENSHOT = join(RESULTS_DIR, 'chat-answer.png');
const FAILURE_SCREENSHOT = join(RESULTS_DIR, 'chat-failure.png');

// Chat view selectors (VS Code 1.117 web; see test/support/README.md).
const CHAT_INPUT = '.interactive-input-part .interactive-input-editor .monaco-editor';
const MODEL_PICKER = '.interactive-input-part .action-label[aria-label^="Pick Model, "]';
const RESPONSE = '.interactive-item-container.interactive-response';
const LAST_RESPONSE = `${RESPONSE}.chat-most-recent-response`;
const LOADING = '.chat-response-loading';

/** The fake model's streamed answer: citations [1] and [2][3], the second split across two parts. */
const ANSWER = ['Mixtral ', 'supports a context size ', 'of 32k tokens [1]. ', 'It routes each token ', 'to 2 of its 8 experts [', '2][3].'];
const ANSWER_TEXT = 'Mixtral supports a context size of 32k tokens [1]. It routes each token to 2 of its 8 experts [2][3].';
const OTHER_QUERY = 'How many experts does the router pick?';

/** The numbered documents of the prompt's user message: `[n] (id X) title` then the text between `"""` lines. */
function contextDocuments(message) {
  return [...message.matchAll(/^\[(\d+)\] \(id ([^)]*)\)[^\n]*\n"""\n([\s\S]*?)\n"""$/gm)].map((m) => ({
    n: Number(m[1]),
    id: /^\d+$/.test(m[2]) ? Number(m[2]) : m[2],
    text: m[3],
  }));
}

const flat = (text) => text.replace(/\s+/g, ' ').trim();

let page;
const run = createRun({ failureScreenshot: FAILURE_SCREENSHOT, page: () => page });
const { check } = run;
requireCodeServer(run, 'lm');
const resources = createCleanup();
mkdirSync(RESULTS_DIR, { recursive: true });

const workspace = sampleWorkspace(resources);
const work = join(workspace, '..', `${workspace.split('/').pop()}-fake-lm`);
mkdirSync(work);
resources.tempDirs.push(work);
const scriptFile = join(work, 'script.json');
const recordFile = join(work, 'requests.json');
writeFileSync(scriptFile, JSON.stringify([{ parts: ANSWER, delayMs: 200 }]));
const recorded = () => (existsSync(recordFile) ? JSON.parse(readFileSync(recordFile, 'utf8')) : []);

/** The last response's Markdown text (the "Working" progress line left out). */
const lastAnswer = () =>
  page
    .locator(`${LAST_RESPONSE} .rendered-markdown`)
    .evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? '').filter((t) => t && t !== 'Working').join('\n'));

console.log('e2e: the @rerank chat participant in code-server 4.117 + Chromium');
/** The documents the model was given ([1] first). */
let topDocs = [];
try {
  await check('packages the VSIX and installs it with the fake language model into a 4.117 profile', async () => {
    const { extensionsDir } = await installPackagedExtension(opts.vsix, resources, { target: 'lm', extra: [fakeLanguageModelVsix()] });
    page = await openWorkbench({
      resources,
      workspace,
      extensionsDir,
      target: 'lm',
      enableProposedApi: [FAKE_LM_ID],
      env: { RERANK_LENS_FAKE_LM_SCRIPT: scriptFile, RERANK_LENS_FAKE_LM_RECORD: recordFile },
      verbose: opts.verbose,
    });
  });

  await check('Ctrl+Alt+I opens the Chat view with the fake model selected', async () => {
    await page.locator('.part.editor').click();
    await page.keyboard.press('Control+Alt+KeyI');
    await page.locator(`${CHAT_INPUT}.focused`).waitFor({ timeout: 30_000 });
    await page.locator(MODEL_PICKER).filter({ hasText: 'Fake Model' }).waitFor({ timeout: 30_000 });
  });

  await check(`"@rerank ${QUERY}" offers the results files (dense + sparse pre-selected)`, async () => {
    await page.locator(CHAT_INPUT).click();
    await page.keyboard.type(`@rerank ${QUERY}`);
    await page.keyboard.press('Enter');
    const rows = await readFilePick(page);
    // The suggested files come first (the list is virtualized: sample/formats has many more), and the count says 2.
    assertEqual(rows.slice(0, 2).map((r) => [r.name, r.checked]), FILES.map((f) => [f, true]), 'the suggested files, checked, first');
    await page.locator('.quick-input-widget', { hasText: '2 Selected' }).waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
  });

  await check('the answer streams in, with the top 3 chunks as references and [n] as links to them', async () => {
    // Streamed: the first words show while the response is still loading.
    await page.locator(`${LAST_RESPONSE}${LOADING}`).filter({ hasText: 'supports a context' }).waitFor({ timeout: 60_000 });
    await page.locator(`${LAST_RESPONSE}:not(${LOADING})`).waitFor({ timeout: 30_000 });
    const paragraphs = (await lastAnswer()).split('\n');
    assertEqual(paragraphs.at(-1), ANSWER_TEXT, 'the answer as shown');
    assert(/^Reranked 16 chunks of dense_results\.json, sparse_results\.json in \d+\.\d\d s \(tiny, fp32\)\. Answering from the top 3\.$/.test(paragraphs.at(-2) ?? ''), `summary line: ${JSON.stringify(paragraphs)}`);

    const [request] = recorded();
    assert(request, 'the fake model recorded a request');
    assertEqual(request.model, { id: 'fake-model', family: 'fake', vendor: FAKE_LM_VENDOR }, 'the Chat view\'s model answered');
    assertEqual(request.options.requestInitiator, 'rerank-lens.rerank-lens', 'request initiator');
    topDocs = contextDocuments(request.messages.at(-1).text);
    assertEqual(topDocs.map((d) => d.n), [1, 2, 3], 'documents sent to the model');

    // References: the three chunks, as the read-only chunk documents the tree opens ("#<rank> <first words>").
    await page.locator(`${LAST_RESPONSE} .chat-used-context-label a`, { hasText: `Used ${TOP_K} references` }).click();
    const references = await page.locator(`${LAST_RESPONSE} .chat-used-context-list .monaco-list-row`).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assertEqual(references.length, TOP_K, `references ${JSON.stringify(references)}`);
    references.forEach((name, i) => {
      const words = name.replace(/^#\d+ /, '').replace(/\.txt$/, '').replace(/…$/, '');
      assert(name.startsWith(`#${i + 1} `) && flat(topDocs[i].text).startsWith(words), `reference ${i + 1} ${JSON.stringify(name)} is not chunk ${i + 1}: ${JSON.stringify(topDocs[i].text.slice(0, 80))}`);
    });

    // Citations: [1], [2], [3] are links that open those chunks (by id).
    const cites = await page.locator(`${LAST_RESPONSE} a[data-href^="command:rerankLens.openChunk"]`).evaluateAll((els) =>
      els.map((a) => ({ text: a.textContent, id: JSON.parse(decodeURIComponent((a.getAttribute('data-href') ?? '').split('?')[1] ?? 'null'))?.id })),
    );
    assertEqual(cites, topDocs.map((d) => ({ text: `[${d.n}]`, id: d.id })), 'citation links');
    await page.getByText('Rerank with another query', { exact: true }).waitFor({ timeout: 10_000 });
  });

  await check('"Show in Reranked Results" shows the same results in the tree, and citation [2] opens chunk 2', async () => {
    await page.locator(`${LAST_RESPONSE} .chat-command-button a`, { hasText: 'Show in Reranked Results' }).click();
    await waitForResults(page, VIEW, QUERY);
    const rows = (await readTree(page, VIEW)).filter((r) => r.level === 2 && !r.label.startsWith('Below the top'));
    assertEqual(rows.length, 16, 'documents in the tree');
    await page.locator(`${LAST_RESPONSE} a[data-href^="command:rerankLens.openChunk"]`, { hasText: '[2]' }).click();
    await page.locator('.editor-group-container .tab.active .label-name', { hasText: /^#2 / }).first().waitFor({ timeout: 15_000 });
    const text = flat(await activeEditorText(page));
    assert(text.includes(flat(topDocs[1].text).slice(0, 60)), `the chunk editor does not show document 2: ${JSON.stringify(text.slice(0, 200))}`);
    await page.screenshot({ path: SCREENSHOT });
    console.log(`    screenshot: ${relative(process.cwd(), SCREENSHOT)}`);
  });

  await check('the "Rerank with another query" follow-up asks for the query and lists the new top 3 with scores', async () => {
    await page.getByText('Rerank with another query', { exact: true }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input[placeholder^="Type the query"]');
    await input.waitFor({ timeout: 30_000 });
    await input.fill(OTHER_QUERY);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: OTHER_QUERY }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`${LAST_RESPONSE}:not(${LOADING})`, { hasText: 'The top 3:' }).waitFor({ timeout: 60_000 });
    const items = await page.locator(`${LAST_RESPONSE} .rendered-markdown li`).allTextContents();
    assertEqual(items.length, TOP_K, `list items ${JSON.stringify(items)}`);
    for (const [i, item] of items.entries()) {
      // "7.10 ↑2 · <label> · dense_results.json #3, sparse_results.json #1"
      assert(/^-?\d+\.\d\d [↑↓]?[\d=]+ · .+ · (dense|sparse)_results\.json #\d+(, (dense|sparse)_results\.json #\d+)?$/.test(item.trim()), `row ${i + 1}: ${JSON.stringify(item)}`);
    }
    assertEqual(recorded().length, 1, 'requests to the model (/rerank asks none)');
    await waitForResults(page, VIEW, OTHER_QUERY);
  });
} catch (err) {
  run.fail(err);
} finally {
  await resources.done();
}
run.finish();
