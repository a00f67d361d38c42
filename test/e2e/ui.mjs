#!/usr/bin/env node
// UI end-to-end test of the packaged extension, as a user meets it: the VSIX is installed into a fresh
// code-server (VS Code 1.100 web), a copy of sample/ is opened with the generated tiny model configured,
// and headless Chromium drives the real workbench: welcome view, Command Palette, both quick picks, the
// "Reranked Results" tree (order and scores against the packaged CLI, top-3 stars and divider), a chunk
// editor (content, read-only). Offline. Exits 0 when every check passes, 1 otherwise.
//
//   node test/e2e/ui.mjs [--vsix FILE] [--verbose]
//
// Without --vsix (or $RERANK_LENS_E2E_VSIX) it packages first (`npm run package`, ~10 s). Screenshots go to
// test-results/: ui-welcome.png, ui-rerank.png (tree + chunk editor), ui-failure.png when a check fails.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { formatBytes, packageVsix } from '../../scripts/package.mjs';
import { makeModel } from '../fixtures/make-model.mjs';
import {
  CODE_SERVER_VERSION,
  REPO_ROOT,
  findCodeServer,
  installVsix,
  launchBrowser,
  startCodeServer,
  toolsDir,
} from '../support/code-server.mjs';

const QUERY = 'What is context size of Mixtral?';
const FILES = ['dense_results.json', 'sparse_results.json'];
const TOP_K = 3; // the rerankLens.topK default
const VIEW = 'Reranked Results';
const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const SCREENSHOT = join(RESULTS_DIR, 'ui-rerank.png');
const WELCOME_SCREENSHOT = join(RESULTS_DIR, 'ui-welcome.png');
const FAILURE_SCREENSHOT = join(RESULTS_DIR, 'ui-failure.png');

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string', default: process.env.RERANK_LENS_E2E_VSIX },
    verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' },
  },
});

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
let passed = 0;
let failed = 0;
let skipping = false;

function finish() {
  console.log(`e2e: finished in ${elapsed()}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

if (!findCodeServer()) {
  console.error(
    `e2e: code-server ${CODE_SERVER_VERSION} is not installed (looked in ${toolsDir()}).\n` +
      '  Install it (Chromium, ripgrep, build deps and code-server, ~1 min) with: bash scripts/install-test-tools.sh',
  );
  failed++;
  finish();
}

/** @type {import('playwright-core').Page | undefined} */
let page;

/** One named check. After a failure the remaining checks are skipped (and counted as failed). */
async function check(name, fn) {
  if (skipping) {
    failed++;
    console.log(`  - ${name} (skipped after an earlier failure)`);
    return;
  }
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`  ✓ ${name} (${Date.now() - t} ms)`);
  } catch (err) {
    failed++;
    skipping = true;
    const detail = err instanceof CheckFailure ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.log(`  ✗ ${name}\n    ${detail.replace(/\n/g, '\n    ')}`);
    if (page) {
      const notes = await page
        .locator('.notifications-toasts .notification-list-item-message')
        .allTextContents()
        .catch(() => []);
      if (notes.length) console.log(`    notifications: ${notes.map((n) => JSON.stringify(n)).join(', ')}`);
      await page.screenshot({ path: FAILURE_SCREENSHOT }).catch(() => {});
      console.log(`    screenshot: ${relative(process.cwd(), FAILURE_SCREENSHOT)}`);
    }
  }
}

/** A failed expectation: reported by its message alone (other errors with their stack). */
class CheckFailure extends Error {}

function assert(condition, message) {
  if (!condition) throw new CheckFailure(message);
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailure(`${what}:\n      expected ${e}\n      actual   ${a}`);
}

// The tree's labels, computed as src/extension/labels.ts does (first words unless titles are distinct).
function firstWords(text, max = 44) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat || '(empty text)';
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function documentLabels(docs) {
  const titles = docs.map((d) => (typeof d.metadata?.title === 'string' ? d.metadata.title.trim() : ''));
  const distinct = titles.every((t) => t !== '') && new Set(titles).size === titles.length;
  return docs.map((d, i) => (distinct ? titles[i] : firstWords(d.text)));
}

function movement(originalRank, rank) {
  if (originalRank === rank) return '=';
  return originalRank > rank ? `↑${originalRank - rank}` : `↓${rank - originalRank}`;
}

/** A list's own rows, not the copies sticky scroll pins above them (those lack aria-level). */
const ROW = '.monaco-list-rows > .monaco-list-row';

/**
 * Every row of a tree view as the DOM shows it, scrolling when the list is virtualized past the viewport.
 * @returns {Promise<Array<{ index: number, last: boolean, level: number, label: string, description: string, icons: string[] }>>}
 */
async function readTree(p, viewName) {
  const list = p.locator(`.monaco-list[aria-label="${viewName}"]`);
  const rows = new Map();
  for (let round = 0; round < 20; round++) {
    const batch = await list.locator(ROW).evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute('data-index')),
        last: e.getAttribute('data-last-element') === 'true',
        level: Number(e.getAttribute('aria-level')),
        label: e.querySelector('.label-name')?.textContent ?? '',
        description: e.querySelector('.label-description')?.textContent ?? '',
        icons: [...e.querySelectorAll('.codicon')].flatMap((i) => [...i.classList].filter((c) => c.startsWith('codicon-'))),
      })),
    );
    for (const row of batch) rows.set(row.index, row);
    if (batch.some((r) => r.last)) break;
    const box = await list.boundingBox();
    if (!box) break;
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const highest = Math.max(...batch.map((r) => r.index));
    await p.mouse.wheel(0, box.height / 2);
    await p
      .waitForFunction(
        ([label, seen, row]) =>
          [...document.querySelectorAll(`.monaco-list[aria-label="${label}"] ${row}`)].some(
            (e) => Number(e.getAttribute('data-index')) > seen,
          ),
        [viewName, highest, ROW],
        { timeout: 2_000 },
      )
      .catch(() => {});
  }
  if (!rows.has(0) || rows.size > (await list.locator(ROW).count())) {
    // Scrolled: back to the top, so the first rows can be clicked.
    const box = await list.boundingBox();
    if (box) {
      await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.mouse.wheel(0, -100_000);
      await list.locator(`${ROW}[data-index="0"]`).waitFor({ timeout: 5_000 });
    }
  }
  return [...rows.values()].sort((a, b) => a.index - b.index);
}

/** Drags the sash between the side bar and the editor so the side bar is about `width` px wide. */
async function widenSideBar(p, width) {
  const box = await p.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await p.mouse.move(box.x + box.width - 1, y);
  await p.mouse.down();
  await p.mouse.move(box.x + width - 1, y, { steps: 5 });
  await p.mouse.up();
}

/** Text of the active editor's visible lines (Monaco renders spaces as non-breaking ones). */
async function activeEditorText(p) {
  const lines = await p
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .evaluateAll((els) =>
      els
        .map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

const tempDirs = [];
let server;
let browser;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};
const onSignal = (signal) => {
  if (server) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

console.log('e2e: Rerank Lens UI in code-server + Chromium');
mkdirSync(RESULTS_DIR, { recursive: true });
const model = join(REPO_ROOT, 'test', '.models', 'tiny');
/** @type {Array<{ id: unknown, rank: number, score: number, originalRank: number, text: string, metadata: Record<string, unknown> }>} */
let expected = [];
let extensionsDir;
let extensionDir;

try {
  await check('packages the VSIX and installs it into a fresh extensions folder', async () => {
    await makeModel({ out: model, preset: 'tiny', quant: true });
    let vsix = opts.vsix;
    if (!vsix) {
      const t = Date.now();
      const pkg = await packageVsix({ quiet: true });
      vsix = pkg.path;
      console.log(`    packaged ${relative(REPO_ROOT, vsix)}: ${formatBytes(pkg.bytes)}, ${pkg.files.length} files (${Date.now() - t} ms)`);
    }
    extensionsDir = mkdtempSync(join(tmpdir(), 'rerank-lens-e2e-ext-'));
    tempDirs.push(extensionsDir);
    await installVsix(vsix, extensionsDir);
    const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('rerank-lens.rerank-lens-'));
    assertEqual(installed.length, 1, 'installed rerank-lens folders');
    extensionDir = join(extensionsDir, installed[0]);
  });

  const workspace = mkdtempSync(join(tmpdir(), 'rerank-lens-e2e-ws-'));
  tempDirs.push(workspace);
  cpSync(join(REPO_ROOT, 'sample'), workspace, { recursive: true });

  await check("the installed copy's CLI reranks the sample (the expected order)", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(extensionDir, 'dist', 'cli.js'), 'rerank', ...FILES.map((f) => join(workspace, f)), '-q', QUERY, '--model', model, '--json'],
      { cwd: workspace, maxBuffer: 16 * 1024 * 1024 },
    );
    expected = JSON.parse(stdout).results;
    assert(expected.length > TOP_K, `expected more than ${TOP_K} documents, got ${expected.length}`);
  });

  await check('code-server starts with the extension and the workbench loads', async () => {
    server = await startCodeServer({
      workspace,
      extensionsDir,
      settings: { 'rerankLens.modelPath': model, 'rerankLens.allowRemoteModels': false },
      onOutput: opts.verbose ? (t) => process.stderr.write(`[code-server] ${t}`) : undefined,
    });
    browser = await launchBrowser({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (opts.verbose) page.on('console', (m) => process.stderr.write(`[browser:${m.type()}] ${m.text()}\n`));
    await page.goto(`${server.url}?${new URLSearchParams({ folder: workspace })}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
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
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill('>Rerank Lens: Rerank results');
    const command = page.locator('.quick-input-list .monaco-list-row[aria-label="Rerank Lens: Rerank results"]');
    await command.waitFor();
    // "Focus on Reranked Results View" matches too and may be listed first: pick ours explicitly.
    if (!(await command.evaluate((e) => e.classList.contains('focused')))) await command.click();
    else await page.keyboard.press('Enter');
    const files = page.locator('.quick-input-list .monaco-list[aria-label*="result files"] .monaco-list-row');
    await files.first().waitFor({ timeout: 30_000 });
    const rows = await files.evaluateAll((els) =>
      els.map((e) => ({ name: e.querySelector('.label-name')?.textContent ?? '', checked: e.getAttribute('aria-checked') === 'true' })),
    );
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

  let rows = [];
  await check("the tree lists the query, then the documents in the CLI's order with its scores", async () => {
    const firstLabel = page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW}[data-index="0"] .label-name`);
    await firstLabel.filter({ hasText: QUERY }).waitFor({ timeout: 120_000 });
    // The documents come in the same refresh as the (expanded) query row.
    await page.locator(`.monaco-list[aria-label="${VIEW}"] ${ROW}[data-index="1"]`).waitFor();
    rows = await readTree(page, VIEW);
    assertEqual(rows[0].label, QUERY, 'first row');
    assert(rows[0].level === 1, 'the query row is the root');
    const docs = rows.filter((r) => r.level === 2 && !r.label.startsWith('Below the top'));
    const labels = documentLabels(expected);
    assertEqual(
      docs.map((r) => r.label),
      labels,
      'document labels in order',
    );
    assertEqual(
      docs.map((r) => r.description.trim()),
      expected.map((d) => `${d.score.toFixed(2)}  ${movement(d.originalRank, d.rank)}`),
      'descriptions (score  movement)',
    );
    const scores = docs.map((r) => Number.parseFloat(r.description));
    assert(scores.every((s, i) => i === 0 || s <= scores[i - 1]), `scores not descending: ${scores.join(', ')}`);
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
  await check('clicking the best document opens its chunk in an editor tab', async () => {
    await page
      .locator(`.monaco-list[aria-label="${VIEW}"] ${ROW}[data-index="1"] .label-name`)
      .click();
    const tab = page.locator('.editor-group-container.active .tab.active');
    await tab.filter({ hasText: '#1 ' }).waitFor({ timeout: 30_000 });
    const words = top().text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ');
    await page.waitForFunction(
      (w) =>
        [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line')]
          .map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' '))
          .some((line) => line.replace(/\s+/g, ' ').includes(w)),
      words,
      { timeout: 30_000 },
    );
    await widenSideBar(page, 520); // so the scores (tree item descriptions) show in the screenshot
    await page.screenshot({ path: SCREENSHOT });
    console.log(`    screenshot: ${relative(process.cwd(), SCREENSHOT)}`);
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
} catch (err) {
  failed++;
  console.log(`  ✗ harness error: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
} finally {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await cleanup();
}
finish();
