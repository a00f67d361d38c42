#!/usr/bin/env node
// UI end-to-end test of the packaged extension, as a user meets it: the VSIX is installed into a fresh
// code-server (VS Code 1.100 web), a copy of sample/ is opened with the generated tiny model configured,
// and headless Chromium drives the real workbench: welcome view, Command Palette, both quick picks, the
// "Reranked Results" tree at the side bar's default width (order, scores and badges against the packaged
// CLI, every score fully on screen, top-3 stars and divider, keyboard, tree find, original order, a
// threshold), a chunk editor (header, word wrap, query-term highlights, title actions, read-only), the query
// pick of a multi-query file. Offline. Exits 0 when every check passes, 1 otherwise.
//
//   node --import tsx test/e2e/ui.mjs [--vsix FILE] [--verbose]
//
// tsx: the expected rows are composed by src/extension/rows.ts and badges.ts themselves. Without --vsix (or
// $RERANK_LENS_E2E_VSIX) it reuses the VSIX packaged from the current sources, or packages first
// (`npm run package`, ~10 s; see ensureVsix in helpers.mjs). Screenshots go to test-results/:
// ui-welcome.png, ui-rerank.png (tree at the default width + chunk editor), ui-chunk.png, ui-find.png,
// ui-original-order.png, ui-threshold.png, ui-failure.png when a check fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { provenance, provenanceBadges } from '../../src/extension/badges.ts';
import { distinctTitles } from '../../src/extension/labels.ts';
import { GAP, rerankedLead, rowLabel, rowText, scoreColumn } from '../../src/extension/rows.ts';
import {
  FILES,
  FILE_PICK_ROWS,
  QUERY,
  QUICK_INPUT,
  TOP_K,
  VIEW,
  RESULTS_DIR,
  ROW,
  TINY_MODEL,
  activeEditorText,
  assert,
  assertEqual,
  installPackagedExtension,
  openWorkbench,
  readFilePick,
  readTree,
  runCommand,
  runPackagedCli,
  sampleWorkspace,
  startE2e,
  waitForResults,
  widenSideBar,
} from './helpers.mjs';
import { editorTitleActions, readChunkEditor, readVisibleRows, waitForStatus } from './tree-dom.mjs';

const SCREENSHOT = join(RESULTS_DIR, 'ui-rerank.png');
const CHUNK_SCREENSHOT = join(RESULTS_DIR, 'ui-chunk.png');
const FIND_SCREENSHOT = join(RESULTS_DIR, 'ui-find.png');
const ORDER_SCREENSHOT = join(RESULTS_DIR, 'ui-original-order.png');
const THRESHOLD_SCREENSHOT = join(RESULTS_DIR, 'ui-threshold.png');
const WELCOME_SCREENSHOT = join(RESULTS_DIR, 'ui-welcome.png');
const FAILURE_SCREENSHOT = join(RESULTS_DIR, 'ui-failure.png');

/** @type {import('playwright-core').Page | undefined} */
let page;
const { opts, run, check, resources } = startE2e({ failureScreenshot: FAILURE_SCREENSHOT, page: () => page });

console.log('e2e: Rerank Lens UI in code-server + Chromium');
/** @type {Array<{ id: unknown, rank: number, score: number, originalRank: number, text: string, metadata: Record<string, unknown> }>} */
let expected = [];
let extensionsDir;
let extensionDir;

try {
  await check('packages the VSIX and installs it into a fresh extensions folder', async () => {
    ({ extensionsDir, extensionDir } = await installPackagedExtension(opts.vsix, resources));
  });

  const workspace = sampleWorkspace(resources);

  await check("the installed copy's CLI reranks the sample (the expected order)", async () => {
    const stdout = await runPackagedCli(extensionDir, ['rerank', ...FILES.map((f) => join(workspace, f)), '-q', QUERY, '--model', TINY_MODEL, '--json'], workspace);
    // The CLI names files as given (absolute paths here); the editor names them workspace-relative.
    expected = JSON.parse(stdout).results.map((d) => ({ ...d, sources: d.sources.map((s) => ({ ...s, file: basename(s.file) })) }));
    assert(expected.length > TOP_K, `expected more than ${TOP_K} documents, got ${expected.length}`);
  });

  await check('code-server starts with the extension and the workbench loads', async () => {
    page = await openWorkbench({ resources, workspace, extensionsDir, verbose: opts.verbose });
  });

  await check('before reranking, the view shows the welcome text and a "Rerank results" button', async () => {
    await page.locator('.activitybar .action-item .action-label[aria-label="Rerank Lens"]').click({ timeout: 60_000 });
    const pane = page.locator('.pane', { has: page.locator(`.pane-header[aria-label="${VIEW} Section"]`) });
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    const text = (await welcome.textContent()) ?? '';
    assert(text.includes('Rerank the chunks your retriever returned'), `unexpected welcome text: ${JSON.stringify(text)}`);
    const button = welcome.locator('.monaco-button', { hasText: 'Rerank results' });
    assertEqual(await button.count(), 1, '"Rerank results" buttons in the welcome view');
    assert(await button.isVisible(), 'the "Rerank results" button is not visible');
    await page.screenshot({ path: WELCOME_SCREENSHOT });
  });

  await check('F1 › "Rerank Lens: Rerank results" offers both sample files, pre-selected', async () => {
    // "Focus on Reranked Results View" matches too and may be listed first: runCommand picks ours explicitly.
    await runCommand(page, 'Rerank Lens: Rerank results');
    const rows = await readFilePick(page);
    assertEqual(rows.filter((r) => r.checked).map((r) => r.name).sort(), FILES, 'pre-selected files');
    await page.keyboard.press('Enter');
  });

  await check('the query pick takes the typed query', async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input[placeholder^="Type the query"]');
    await input.waitFor({ timeout: 30_000 });
    await input.fill(QUERY);
    await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${QUERY}"]`).first().waitFor();
    await page.keyboard.press('Enter');
  });

  /** The rows the tree should show, composed by the extension's own row code from the CLI's report. */
  const expectedRows = () => {
    const score = scoreColumn(expected);
    const files = provenance(FILES);
    const titles = distinctTitles(expected);
    return expected.map((d) => {
      const lead = rerankedLead(d, score);
      const badges = provenanceBadges(d, files);
      return { doc: d, head: [...lead, badges].join(GAP), label: rowLabel({ lead, badges, marks: [], text: rowText(d, titles?.get(d)) }) };
    });
  };
  const isDocument = (r) => r.level === 2 && !/^(Below the |Not found by )/.test(r.label ?? r.text);

  let rows = [];
  await check("the tree lists the query, then the documents in the CLI's order, each row leading with score, movement and badges", async () => {
    await waitForResults(page, VIEW, QUERY);
    rows = await readTree(page, VIEW);
    assertEqual(rows[0].label, QUERY, 'first row');
    assert(rows[0].level === 1, 'the query row is the root');
    const docs = rows.filter(isDocument);
    assertEqual(docs.map((r) => r.label), expectedRows().map((r) => r.label), 'document rows in order');
    // Independently of the row code: the score in each row is the CLI's, to two decimals.
    assertEqual(docs.map((r) => r.label.replace(/^\u2007+/, '').split(GAP)[0]), expected.map((d) => d.score.toFixed(2)), 'scores');
    // Found by both files (ids 2, 4, 9, 15): two ranks and no "–".
    const both = expected.filter((d) => d.sources.length === 2).map((d) => String(d.id));
    assertEqual(both.sort(), ['15', '2', '4', '9'], 'documents in both files');
    for (const [i, d] of expected.entries()) {
      const badges = docs[i].label.split(GAP)[2];
      assert(/^D(\d+|–) S(\d+|–)$/.test(badges), `row ${i + 1} badges: ${badges}`);
      assertEqual(!badges.includes('–'), d.sources.length === 2, `row ${i + 1} found by both`);
    }
  });

  await check('at the default side bar width every row shows its full score, movement and badges', async () => {
    const sideBar = await page.locator('.part.sidebar').boundingBox();
    const visible = (await readVisibleRows(page, VIEW)).filter((r) => r.level === 2 && /^\u2007*-?\d/.test(r.text));
    assertEqual(visible.length, expected.length, 'document rows rendered');
    const want = expectedRows();
    visible.forEach((r, i) => {
      assert(r.visible.startsWith(want[i].head), `row ${i + 1} shows only ${JSON.stringify(r.visible)} of ${JSON.stringify(want[i].head)} (label box ${r.clipWidth} px)`);
    });
    console.log(`    side bar ${Math.round(sideBar?.width ?? 0)} px; a row shows e.g. ${JSON.stringify(visible[0].visible)}`);
  });

  await check(`the top ${TOP_K} documents have stars, then a "Below the top ${TOP_K}" divider`, async () => {
    const children = rows.slice(1);
    const starred = children.map((r) => r.icons.includes('codicon-star-full'));
    assertEqual(starred.slice(0, TOP_K), Array(TOP_K).fill(true), `stars on the first ${TOP_K} documents`);
    assertEqual(children[TOP_K].label, `Below the top ${TOP_K}`, 'divider label');
    assertEqual(children[TOP_K].description.trim(), `${expected.length - TOP_K} more`, 'divider description');
    assert(!starred.slice(TOP_K).some(Boolean), 'a document below the divider has a star');
    assertEqual(children.length, expected.length + 1, 'rows under the query (documents + divider)');
  });

  const top = () => expected[0];
  const treeRow = (i) => page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW}[data-index="${i}"]`);
  const clickRow = (i) => treeRow(i).click({ position: { x: 120, y: 10 } });
  await check('clicking the best document opens its chunk: word-wrapped, a header, the query terms highlighted', async () => {
    // On the row's left part: clicking the label itself would make Playwright scroll the clipped label into view.
    await clickRow(1);
    const tab = page.locator('.editor-group-container.active .tab.active');
    await tab.filter({ hasText: '#1 ' }).waitFor({ timeout: 30_000 });
    const header = `#1 of ${expected.length} · score ${top().score.toFixed(4)} (raw logit) · probability ${top().probability.toFixed(4)} · id ${top().id}`;
    await page.waitForFunction(
      (h) => [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line')].some((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ') === h),
      header,
      { timeout: 30_000 },
    );
    // Decorations arrive just after the text.
    await page.locator('.editor-group-container.active .monaco-editor .view-overlays .cdr').first().waitFor({ timeout: 10_000 }).catch(() => {});
    const editor = await readChunkEditor(page);
    const logical = top().text.split('\n').length + 7; // the header's lines and the rule
    assert(editor.lines.length > logical, `${editor.lines.length} screen lines for ${logical} lines: the text is not wrapped`);
    assert(editor.lines.every((l) => l.length < 400), 'a screen line is as long as the whole chunk');
    for (const s of top().sources) {
      const line = `${s.file === 'dense_results.json' ? 'D' : 'S'} ${s.file}: rank ${s.rank}, score ${s.score}`;
      assert(editor.lines.includes(line), `header line ${JSON.stringify(line)} in ${JSON.stringify(editor.lines.slice(0, 8))}`);
    }
    assert(editor.lines.includes(`Query: ${QUERY}`), 'the query in the header');
    const words = top().text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ');
    assert(editor.lines.join(' ').replace(/\s+/g, ' ').includes(words), 'the chunk text follows the header');
    const termsInText = (top().text.match(/(?<![\p{L}\p{N}])(context|size|mixtral)/giu) ?? []).length;
    assert(termsInText > 0, 'the best chunk mentions a query term');
    assert(editor.highlights.length > 0, 'no query term is highlighted');
    for (const h of editor.highlights) assert(/^(context|size|mixtral)$/i.test(h.under.trim()), `a highlight over ${JSON.stringify(h.under)}`);
    assert(editor.colouredSpans > 0, 'the header is not coloured');
    await page.screenshot({ path: SCREENSHOT });
    console.log(`    screenshot: ${relative(process.cwd(), SCREENSHOT)} (${editor.highlights.length} highlights on screen)`);
  });

  await check('the chunk editor\'s title has Reveal in source and Copy text; Copy copies', async () => {
    const actions = await editorTitleActions(page);
    assert(actions.some((a) => a.startsWith('Reveal in source')), `editor title actions: ${actions.join(', ')}`);
    assert(actions.some((a) => a.startsWith('Copy text')), `editor title actions: ${actions.join(', ')}`);
    await page.locator('.editor-group-container.active .title [aria-label="Editor actions"] .action-label[aria-label^="Copy text"]').click();
    await waitForStatus(page, 'Chunk text copied');
    await page.screenshot({ path: CHUNK_SCREENSHOT });
  });

  await check('the chunk editor is read-only: typing changes nothing', async () => {
    const before = await activeEditorText(page);
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.type('XYZZY ');
    await page.keyboard.press('Enter');
    // VS Code answers typing in a read-only editor with this hint; wait for it instead of sleeping.
    await page
      .locator('.monaco-editor-overlaymessage', { hasText: /read-only/i })
      .waitFor({ timeout: 10_000 });
    const after = await activeEditorText(page);
    assertEqual(after, before, 'editor text after typing');
    assert(!after.includes('XYZZY'), 'typed text reached the editor');
    assertEqual(await page.locator('.editor-group-container.active .tab.active.dirty').count(), 0, 'dirty tabs');
  });

  await check('keyboard: arrows move between rows, Enter opens a chunk, the context-menu key lists the actions', async () => {
    const divider = TOP_K + 1;
    await clickRow(divider); // focuses the tree without opening anything
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container.active .tab.active').filter({ hasText: `#${TOP_K} ` }).waitFor({ timeout: 30_000 });
    await clickRow(divider);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Shift+F10');
    const menu = page.locator('.context-view .monaco-menu .action-label');
    await menu.first().waitFor({ timeout: 10_000 });
    const items = (await menu.allTextContents()).map((t) => t.trim()).filter(Boolean);
    for (const want of ['Open chunk', 'Reveal in source', 'Copy text']) assert(items.includes(want), `context menu: ${items.join(', ')}`);
    await page.keyboard.press('Escape');
  });

  await check('tree find (Ctrl+Alt+F) matches the rows\' text and moves the focus to the match', async () => {
    await clickRow(TOP_K + 1);
    await page.keyboard.press('Control+Alt+F');
    const widget = page.locator('.monaco-tree-type-filter');
    await widget.waitFor({ timeout: 10_000 });
    // Contiguous matching, so that only rows that really contain the word match.
    const fuzzy = widget.locator('[aria-label^="Fuzzy Match"]');
    if ((await fuzzy.getAttribute('aria-checked')) === 'true') await fuzzy.click();
    await widget.locator('input').fill('passkey');
    const want = expectedRows().filter((r) => r.label.toLowerCase().includes('passkey'));
    assert(want.length > 0 && want.length < expected.length, `${want.length} rows mention passkey`);
    await page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW} .label-name .highlight`).first().waitFor({ timeout: 10_000 });
    const all = (await readVisibleRows(page, VIEW)).filter((r) => r.level === 2);
    const matched = all.filter((r) => r.highlights.length > 0);
    assertEqual(matched.map((r) => r.text), want.map((r) => r.label), 'rows with a match');
    for (const r of matched) assert(r.highlights.every((h) => /^passkey$/i.test(h)), `highlights ${JSON.stringify(r.highlights)}`);
    const focused = await page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW}.focused .label-name`).textContent();
    assertEqual(focused, want[0].label, 'the focused row');
    await widenSideBar(page, 640); // the match sits past the default width's edge: show it in the screenshot
    await page.screenshot({ path: FIND_SCREENSHOT });
    await page.keyboard.press('Escape');
    await page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW} .label-name .highlight`).first().waitFor({ state: 'detached', timeout: 10_000 });
  });

  await check('the view title toggles to the merged input order, each row leading with its new rank, and back', async () => {
    const sideBar = page.locator('.part.sidebar');
    await sideBar.hover();
    await sideBar.locator('.composite.title .action-label[aria-label^="Show original order"]').click();
    const merged = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Merged input order' });
    await merged.waitFor({ timeout: 10_000 });
    await merged.click();
    await page.waitForFunction(
      ([view, row]) => /^#\d/.test(document.querySelector(`.monaco-list[aria-label="${view}"] ${row}[data-index="1"] .label-name`)?.textContent ?? ''),
      [VIEW, ROW],
      { timeout: 10_000 },
    );
    const docs = (await readTree(page, VIEW)).filter(isDocument);
    const byInput = [...expected].sort((a, b) => a.originalRank - b.originalRank);
    assertEqual(docs.map((r) => r.label.split(GAP)[0]), byInput.map((d) => `#${d.rank}`), 'new ranks in merged input order');
    await page.screenshot({ path: ORDER_SCREENSHOT });
    await sideBar.hover();
    await sideBar.locator('.composite.title .action-label[aria-label^="Show reranked order"]').click();
    await page.waitForFunction(
      ([view, row]) => /^\u2007*-?\d/.test(document.querySelector(`.monaco-list[aria-label="${view}"] ${row}[data-index="1"] .label-name`)?.textContent ?? ''),
      [VIEW, ROW],
      { timeout: 10_000 },
    );
    await sideBar.locator('.composite.title .action-label[aria-label^="Show original order"]').waitFor({ timeout: 5_000 });
  });

  await check('a score threshold in the workspace settings puts documents under "Below the threshold" at once', async () => {
    const minScore = (expected[1].score + expected[2].score) / 2;
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'rerankLens.minScore': minScore }, null, 2));
    await page
      .locator(`.monaco-list[aria-label="${VIEW}"] ${ROW} .label-name`, { hasText: 'Below the threshold' })
      .waitFor({ timeout: 30_000 });
    const children = (await readTree(page, VIEW)).slice(1);
    assertEqual(children.map((r) => r.label.startsWith('Below the') ? r.label : 'document').slice(0, 4), ['document', 'document', 'Below the threshold', 'document'], 'rows');
    assertEqual(children[2].description.trim(), `score ≥ ${minScore} · ${expected.length - 2} more`, 'threshold divider');
    assertEqual(children.slice(0, 2).map((r) => r.icons.includes('codicon-star-full')), [true, true], 'stars above the threshold');
    assert(children.slice(3).every((r) => r.icons.includes('codicon-circle-slash')), 'below the threshold: circle-slash icons');
    // Dimmed: a file decoration colours the labels of the rows below the threshold.
    const colour = (i) => treeRow(i).locator('.label-name').evaluate((e) => getComputedStyle(e).color);
    // Decorations are asked for after the rows render, so the colour can come a moment later.
    let [kept, cut] = [await colour(1), await colour(4)];
    for (let i = 0; i < 50 && kept === cut; i++) {
      await new Promise((r) => setTimeout(r, 200));
      [kept, cut] = [await colour(1), await colour(4)];
    }
    assert(kept !== cut, `rows above and below the threshold have the same colour ${kept}`);
    await page.screenshot({ path: THRESHOLD_SCREENSHOT });
    console.log(`    screenshots: ${[CHUNK_SCREENSHOT, FIND_SCREENSHOT, ORDER_SCREENSHOT, THRESHOLD_SCREENSHOT].map((f) => relative(process.cwd(), f)).join(', ')}`);
  });

  await check('a multi-query file offers a pick of its queries, and the picked one is reranked', async () => {
    const file = 'formats/chroma-query.json';
    const query = 'How does Mixtral route each token?';
    await runCommand(page, 'Rerank Lens: Rerank results');
    for (const row of await readFilePick(page)) {
      if (row.checked) await page.locator(`${FILE_PICK_ROWS}[data-index="${row.index}"] .label-name`).click();
    }
    // The list is virtualized: filter it down to the file so its row exists.
    await page.locator(QUICK_INPUT).fill(file);
    const row = page.locator(FILE_PICK_ROWS, { has: page.locator('.label-name', { hasText: file }) }).first();
    await row.waitFor();
    // The row's own label (a row reused from an earlier pick may still hold a hidden detail line).
    await row.locator('.label-name').first().click();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `${file} holds 2 queries` }).waitFor({ timeout: 60_000 });
    const choices = page.locator('.quick-input-list .monaco-list-row');
    await choices.first().waitFor();
    // Each row: the set's label (no query is stored in this file), then its size and place as the detail.
    const offered = await choices.evaluateAll((els) => els.map((e) => [...e.querySelectorAll('.label-name')].map((n) => n.textContent)));
    assertEqual(offered, [['query 1', '3 documents · set 1 of 2 in formats/chroma-query.json'], ['query 2', '2 documents · set 2 of 2 in formats/chroma-query.json']], 'the queries offered');
    await choices.nth(1).locator('.label-name').first().click();
    const input = page.locator(`${QUICK_INPUT}[placeholder^="Type the query"]`);
    await input.waitFor({ timeout: 30_000 });
    await input.fill(query);
    await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${query}"]`).first().waitFor();
    await page.keyboard.press('Enter');
    await waitForResults(page, VIEW, query);
    const docs = (await readTree(page, VIEW)).filter(isDocument);
    assertEqual(docs.length, 2, 'documents reranked (query 2 retrieved 2, query 1 retrieved 3)');
  });
} catch (err) {
  run.fail(err);
} finally {
  await resources.done();
}
run.finish();
