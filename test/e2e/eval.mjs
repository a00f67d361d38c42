#!/usr/bin/env node
// UI end-to-end test of "Rerank Lens: Evaluate…" in the packaged extension: the VSIX is installed into a fresh
// code-server (VS Code 1.100 web), a copy of sample/ is opened with the generated tiny model, and headless
// Chromium drives the real workbench: the Command Palette, the runs quick pick, the evaluation report webview
// (metrics table against the packaged CLI, best per column marked, the ΔnDCG chart drawn in the theme's colours
// in dark, light and high-contrast themes, the worsened queries), a click that reranks a query into the tree,
// Export Markdown through the save dialog, and the report restored after a reload. Offline.
//
//   node --import tsx test/e2e/eval.mjs [--vsix FILE] [--verbose]
//
// Screenshots go to test-results/: eval-report.png (the default light theme), eval-report-dark.png, eval-report-hc.png,
// eval-tree.png (the clicked query in the tree), eval-failure.png when a check fails.
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  QUICK_INPUT,
  RESULTS_DIR,
  TINY_MODEL,
  VIEW,
  assert,
  assertEqual,
  installPackagedExtension,
  openWorkbench,
  runCommand,
  runPackagedCli,
  sampleWorkspace,
  startE2e,
  waitForResults,
  webviewFrame,
} from './helpers.mjs';

const SHOTS = {
  first: join(RESULTS_DIR, 'eval-report.png'),
  dark: join(RESULTS_DIR, 'eval-report-dark.png'),
  hc: join(RESULTS_DIR, 'eval-report-hc.png'),
  tree: join(RESULTS_DIR, 'eval-tree.png'),
};
const FAILURE_SCREENSHOT = join(RESULTS_DIR, 'eval-failure.png');
const HOSTILE = 'Is <img src=x onerror="window.__pwned=1"> <b>bold</b> <script>window.__pwned=1</script> safe?';
const RUN_ROWS = '.quick-input-list .monaco-list[aria-label*="runs to evaluate"] .monaco-list-row';

/** @type {import('playwright-core').Page | undefined} */
let page;
const { opts, run, check, resources } = startE2e({ failureScreenshot: FAILURE_SCREENSHOT, page: () => page });

/** The report's content document. */
const report = () => webviewFrame(page);

/**
 * Whether the chart's canvas holds pixels of the theme's --vscode-charts-red and -green (bars below and
 * above zero), read inside the webview: proof that the colours come from the current theme.
 */
const chartColours = () =>
  report()
    .locator('canvas')
    .evaluate((canvas) => {
      const style = getComputedStyle(document.body);
      const parse = (value) => {
        const probe = document.createElement('div');
        probe.style.color = value;
        document.body.append(probe);
        const rgb = getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
        probe.remove();
        return rgb;
      };
      const red = parse(style.getPropertyValue('--vscode-charts-red').trim());
      const green = parse(style.getPropertyValue('--vscode-charts-green').trim());
      const ctx = /** @type {HTMLCanvasElement} */ (canvas).getContext('2d');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let reds = 0;
      let greens = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] !== 255) continue;
        const px = [data[i], data[i + 1], data[i + 2]];
        if (px.every((v, j) => Math.abs(v - red[j]) <= 2)) reds++;
        if (px.every((v, j) => Math.abs(v - green[j]) <= 2)) greens++;
      }
      return { reds, greens, red: red.join(','), green: green.join(','), theme: document.body.className };
    });

async function setTheme(name) {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator(QUICK_INPUT);
  await input.waitFor();
  await input.fill(name);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${name}"]`).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
}

console.log('e2e: Rerank Lens Evaluate in code-server + Chromium');
let extensionsDir;
let extensionDir;
/** The packaged CLI's --json report of the same evaluation. */
let expected;
/** Content Security Policy violations logged by any frame. */
const violations = [];

try {
  await check('packages the VSIX and installs it into a fresh extensions folder', async () => {
    ({ extensionsDir, extensionDir } = await installPackagedExtension(opts.vsix, resources));
  });

  const workspace = sampleWorkspace(resources);
  const evalDir = join(workspace, 'eval');
  // A hostile query (in the copy only): its text must reach the report as text, never as markup.
  appendFileSync(join(evalDir, 'queries.jsonl'), `${JSON.stringify({ _id: 'q24', text: HOSTILE })}\n`);
  appendFileSync(join(evalDir, 'qrels', 'test.tsv'), 'q24\t5\t2\n');
  appendFileSync(join(evalDir, 'run.dense.txt'), 'q24 Q0 5 1 0.9 lsa-dense\nq24 Q0 6 2 0.8 lsa-dense\n');

  await check("the installed copy's CLI evaluates the sample (the expected figures)", async () => {
    const stdout = await runPackagedCli(
      extensionDir,
      ['eval', '--corpus', 'corpus.jsonl', '--queries', 'queries.jsonl', '--qrels', 'qrels/test.tsv', '--run', 'run.bm25.txt', '--run', 'run.dense.txt', '--model', TINY_MODEL, '--json'],
      evalDir,
    );
    expected = JSON.parse(stdout);
    assertEqual(expected.queries, 23, 'evaluated queries (the sample\'s 22 and the hostile one)');
  });

  await check('code-server starts with the extension and the workbench loads', async () => {
    page = await openWorkbench({
      resources,
      workspace,
      extensionsDir,
      verbose: opts.verbose,
      // The report's CSP allows nothing inline: a violation (Chart.js injecting a style, say) is logged here.
      beforeOpen: async (p) => p.on('console', (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text().slice(0, 300))),
    });
    await page.locator('.activitybar .action-item .action-label[aria-label="Rerank Lens"]').waitFor({ timeout: 60_000 });
  });

  await check('F1 › "Rerank Lens: Evaluate…" finds the sample folder and offers both runs, pre-selected', async () => {
    await runCommand(page, 'Rerank Lens: Evaluate…');
    const rows = page.locator(RUN_ROWS);
    await rows.first().waitFor({ timeout: 30_000 });
    const offered = await rows.evaluateAll((els) => els.map((e) => ({ name: e.querySelector('.label-name')?.textContent ?? '', checked: e.getAttribute('aria-checked') === 'true' })));
    assertEqual(offered, [{ name: 'eval/run.bm25.txt', checked: true }, { name: 'eval/run.dense.txt', checked: true }], 'runs offered');
    await page.keyboard.press('Enter');
  });

  await check('the report opens with the metrics table of the CLI, the best value per column starred', async () => {
    const table = report().locator('table.metrics');
    await table.waitFor({ timeout: 180_000 });
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        label: tr.querySelector('th')?.textContent ?? '',
        cells: [...tr.querySelectorAll('td')].map((td) => ({ value: td.querySelector('strong')?.textContent ?? td.textContent, best: td.classList.contains('best'), sr: td.textContent })),
      })),
    );
    const keys = ['ndcg@10', 'mrr@10', 'recall@10', 'precision@10', 'hit_rate@10', 'map'];
    const want = [...expected.sources.map((s) => ['eval/' + s.name, s.metrics]), ['Merged input', expected.input], ['RRF (k = 60)', expected.rrf], ['Reranked', expected.reranked]];
    assertEqual(rows.map((r) => r.label), want.map(([l]) => l), 'row labels');
    rows.forEach((row, i) => assertEqual(row.cells.map((c) => c.value), keys.map((k) => want[i][1][k].toFixed(3)), `${row.label} values`));
    keys.forEach((key, col) => {
      const best = Math.max(...want.map(([, m]) => m[key]));
      const marked = rows.filter((r) => r.cells[col].best).map((r) => r.label);
      assertEqual(marked, want.filter(([, m]) => m[key] >= best - 1e-12).map(([l]) => l), `best of ${key}`);
      for (const r of rows.filter((r) => r.cells[col].best)) assert(r.cells[col].sr.includes('(best)'), 'a best cell says so in text too');
    });
  });

  await check('the chart draws ΔnDCG@10 per query in the theme\'s red and green, and lists the queries that got worse', async () => {
    const worse = expected.perQuery.filter((q) => q.reranked['ndcg@10'] - q.input['ndcg@10'] < -1e-12);
    const listed = await report().locator('ol.worse li').evaluateAll((lis) => lis.map((li) => li.dataset.query));
    const byDelta = [...worse].sort((a, b) => a.reranked['ndcg@10'] - a.input['ndcg@10'] - (b.reranked['ndcg@10'] - b.input['ndcg@10']));
    assertEqual(listed, byDelta.map((q) => q.id), 'worsened queries, worst first');
    assertEqual(await report().locator('table.deltas tbody tr').count(), expected.queries, 'rows of the per-query table (the chart\'s text alternative)');
    const label = await report().locator('canvas').getAttribute('aria-label');
    assert(label?.includes(`${worse.length} worse`), `canvas label: ${label}`);
    const colours = await chartColours();
    assert(colours.reds > 50, `no bars in --vscode-charts-red (${colours.red}): ${JSON.stringify(colours)}`);
    const better = expected.perQuery.filter((q) => q.reranked['ndcg@10'] - q.input['ndcg@10'] > 1e-12).length;
    if (better) assert(colours.greens > 20, `no bars in --vscode-charts-green (${colours.green}): ${JSON.stringify(colours)}`);
    const hostile = await report().locator('table.deltas tr[data-query="q24"] .qtext').textContent();
    assertEqual(hostile, HOSTILE, 'the hostile query, shown as text');
    const dom = await report().locator('body').evaluate(() => ({
      elements: document.querySelectorAll('#report img, #report script, #report b').length,
      pwned: /** @type {any} */ (window).__pwned ?? null,
    }));
    assertEqual(dom, { elements: 0, pwned: null }, 'markup from the query in the report');
    assertEqual(violations, [], 'Content Security Policy violations');
    await page.screenshot({ path: SHOTS.first });
    console.log(`    screenshot: ${relative(process.cwd(), SHOTS.first)} (${colours.theme})`);
  });

  for (const [theme, name, shot] of [['vscode-dark', 'Dark Modern', SHOTS.dark], ['vscode-high-contrast', 'Dark High Contrast', SHOTS.hc]]) {
    await check(`in ${name} the chart is redrawn in that theme's colours`, async () => {
      const before = await chartColours();
      await setTheme(name);
      let after = before;
      for (let i = 0; i < 50 && !(after.theme.includes(theme) && after.reds > 50); i++) {
        await new Promise((r) => setTimeout(r, 200));
        after = await chartColours();
      }
      assert(after.theme.includes(theme), `theme class: ${after.theme}`);
      assert(after.reds > 50, `no bars in this theme's red (${after.red}): ${JSON.stringify(after)}`);
      await page.screenshot({ path: shot });
      console.log(`    screenshot: ${relative(process.cwd(), shot)} (red ${before.red} → ${after.red})`);
    });
  }

  await check('clicking the worst query reranks it alone into the Reranked Results tree', async () => {
    await setTheme('Light Modern');
    const first = report().locator('ol.worse li button.query-link').first();
    const id = await first.getAttribute('data-query');
    const text = (await first.locator('.qtext').textContent()) ?? '';
    const queries = readFileSync(join(evalDir, 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assertEqual(text, queries.find((q) => q._id === id).text, 'query text');
    await first.click();
    await waitForResults(page, VIEW, text, 120_000);
    await page.screenshot({ path: SHOTS.tree });
    console.log(`    screenshot: ${relative(process.cwd(), SHOTS.tree)}`);
  });

  await check('Export Markdown… saves the report through the save dialog', async () => {
    const target = join(workspace, 'eval-e2e-report.md');
    await report().locator('button[data-command="export-markdown"]').click();
    // code-server's save dialog is a quick input holding a path: type ours, wait until it shows, accept.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export the evaluation report' }).waitFor({ timeout: 20_000 });
    const input = page.locator(QUICK_INPUT);
    // The dialog fills in its default path (evaluation-report.md) once it has listed the folder, which can
    // come after a fast fill and overwrite it: wait for the listing, then type, and accept only a value
    // that has stayed ours for a moment.
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 20_000 });
    const value = () => page.evaluate(() => document.querySelector('.quick-input-widget .quick-input-box input')?.value);
    for (let tries = 0; tries < 5; tries++) {
      await input.fill(target);
      await page.waitForFunction((t) => document.querySelector('.quick-input-widget .quick-input-box input')?.value === t, target);
      await new Promise((r) => setTimeout(r, 300));
      if ((await value()) === target) break;
    }
    assertEqual(await value(), target, 'the path typed into the save dialog');
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 20_000 });
    for (let i = 0; i < 100 && !existsSync(target); i++) await new Promise((r) => setTimeout(r, 200));
    assert(existsSync(target), `not written; the workspace holds ${readdirSync(workspace).join(', ')}`);
    const text = readFileSync(target, 'utf8');
    assert(text.startsWith('# Evaluation of run.bm25.txt + run.dense.txt'), `unexpected start: ${text.slice(0, 80)}`);
    assert(text.includes(`| Reranked | ${expected.reranked['ndcg@10'].toFixed(3)}`) || text.includes(`| Reranked | **${expected.reranked['ndcg@10'].toFixed(3)}**`), 'the reranked row');
  });

  await check('after a window reload the report is restored', async () => {
    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await report().locator('table.metrics tbody tr').nth(4).waitFor({ timeout: 60_000 });
    assertEqual(await report().locator('table.metrics tbody tr th').allTextContents(), ['eval/run.bm25.txt', 'eval/run.dense.txt', 'Merged input', 'RRF (k = 60)', 'Reranked'], 'rows after reload');
    assertEqual(violations, [], 'Content Security Policy violations');
  });
} catch (err) {
  run.fail(err);
} finally {
  await resources.done();
}
run.finish();
