// Shared by the UI end-to-end tests (ui.mjs, ask.mjs, eval.mjs, chat.mjs): the scripts' common start, named
// checks with a closing tally, the packaged VSIX (built once, reused while its inputs are unchanged) and its
// CLI, code-server + Chromium set-up and clean-up, and workbench helpers (Command Palette, quick picks, tree
// views, editors, webviews).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { currentTarget, formatBytes, packageVsix, vsixPathFor } from '../../scripts/package.mjs';
import { makeModel } from '../fixtures/make-model.mjs';
import { ensureTestTools } from '../support/ensure-tools.mjs';
import { REPO_ROOT, installVsix, launchBrowser, startCodeServer } from '../support/code-server.mjs';

export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
/** The sample scenario both UI tests drive: the notebook's query over dense + sparse results. */
export const QUERY = 'What is context size of Mixtral?';
export const FILES = ['dense_results.json', 'sparse_results.json'];
export const TOP_K = 3; // the rerankLens.topK default
export const VIEW = 'Reranked Results';

/** A failed expectation: reported by its message alone (other errors with their stack). */
export class CheckFailure extends Error {}

export function assert(condition, message) {
  if (!condition) throw new CheckFailure(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailure(`${what}:\n      expected ${e}\n      actual   ${a}`);
}

/**
 * A run of named checks. After a failure the remaining checks are skipped (and counted as failed); a
 * failure logs the visible notifications and saves a screenshot of the page. `finish()` prints
 * "e2e: N passed, N failed" and exits (1 if anything failed or nothing passed).
 * @param {object} options
 * @param {string} options.failureScreenshot
 * @param {() => import('playwright-core').Page | undefined} options.page
 */
export function createRun({ failureScreenshot, page }) {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let passed = 0;
  let failed = 0;
  let skipping = false;

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
      const p = page();
      if (p) {
        const notes = await p
          .locator('.notifications-toasts .notification-list-item-message')
          .allTextContents()
          .catch(() => []);
        if (notes.length) console.log(`    notifications: ${notes.map((n) => JSON.stringify(n)).join(', ')}`);
        await p.screenshot({ path: failureScreenshot }).catch(() => {});
        console.log(`    screenshot: ${relative(process.cwd(), failureScreenshot)}`);
      }
    }
  }

  return {
    check,
    elapsed,
    /** Counts an error outside any check (e.g. in set-up code between checks). */
    fail(err) {
      failed++;
      console.log(`  ✗ harness error: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    },
    finish() {
      console.log(`e2e: finished in ${elapsed()}`);
      console.log(`e2e: ${passed} passed, ${failed} failed`);
      process.exit(failed > 0 || passed === 0 ? 1 : 0);
    },
  };
}

/**
 * Installs code-server (the `target`'s: 'min' 4.100.3, 'lm' 4.117) and Chromium if they are missing; exits
 * through `run.finish()` (1 failed) when it cannot.
 */
export function requireCodeServer(run, target = 'min') {
  const missing = ensureTestTools({ target, log: (m) => console.error(`e2e: ${m}`) });
  if (!missing) return;
  console.error(`e2e: ${missing}`);
  run.fail('the test tools are missing');
  run.finish();
}

/**
 * Browser, code-server and temp dirs to remove at the end, also on Ctrl-C / SIGTERM (Playwright's own
 * signal handlers are turned off in launchBrowser's options, so ours kill the server group first).
 */
export function createCleanup() {
  const state = { server: undefined, browser: undefined, tempDirs: [], extra: [] };
  const cleanup = async () => {
    await state.browser?.close().catch(() => {});
    await state.server?.stop();
    for (const fn of state.extra) await Promise.resolve(fn()).catch(() => {});
    for (const dir of state.tempDirs) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    if (state.server) {
      try {
        process.kill(-state.server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return Object.assign(state, {
    async done() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cleanup();
    },
  });
}

/**
 * What every e2e script starts with: its options (--vsix FILE, default $RERANK_LENS_E2E_VSIX; --verbose), a
 * run of checks that screenshots `page()` when one fails, code-server for `target` (installed if missing,
 * else the script exits), the resources to clean up, and test-results/.
 * @param {object} options
 * @param {string} options.failureScreenshot
 * @param {() => import('playwright-core').Page | undefined} options.page
 * @param {'min' | 'lm'} [options.target]
 */
export function startE2e({ failureScreenshot, page, target = 'min' }) {
  const { values: opts } = parseArgs({
    options: {
      vsix: { type: 'string', default: process.env.RERANK_LENS_E2E_VSIX },
      verbose: { type: 'boolean', default: process.env.RERANK_LENS_VERBOSE === '1' },
    },
  });
  const run = createRun({ failureScreenshot, page });
  requireCodeServer(run, target);
  const resources = createCleanup();
  mkdirSync(RESULTS_DIR, { recursive: true });
  return { opts, run, check: run.check, resources };
}

/** Launch options for launchBrowser that leave signals to createCleanup. */
export const BROWSER_SIGNALS = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };

// What goes into the VSIX: when none of it changed since the last packaging, the VSIX is reused.
const PACKAGE_INPUTS = ['src', 'media', 'package.json', 'package-lock.json', 'esbuild.mjs', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'tsconfig.json'];
const STAMP = join(REPO_ROOT, '.cache', 'e2e-vsix.json');

function inputsHash() {
  const hash = createHash('sha256');
  const add = (rel) => {
    const abs = join(REPO_ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) add(join(rel, name));
      return;
    }
    hash.update(`${rel}\0`).update(readFileSync(abs)).update('\0');
  };
  for (const rel of PACKAGE_INPUTS) add(rel);
  return hash.digest('hex');
}

/**
 * The VSIX to test: `given` (--vsix / $RERANK_LENS_E2E_VSIX) as is; else this platform's package in the
 * repo root when it was built by this function from the current sources (a stamp in .cache/ records the
 * inputs' hash and the VSIX's size and mtime); else it packages now (`npm run package`, ~10 s).
 * @returns {Promise<string>} the VSIX path
 */
export async function ensureVsix(given) {
  if (given) return given;
  const path = vsixPathFor(currentTarget());
  const inputs = inputsHash();
  const identity = () => {
    const s = statSync(path);
    return { path, inputs, bytes: s.size, mtimeMs: s.mtimeMs };
  };
  if (existsSync(path) && existsSync(STAMP)) {
    try {
      const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
      if (JSON.stringify(stamp) === JSON.stringify(identity())) {
        console.log(`    reusing ${relative(REPO_ROOT, path)} (packaged from the current sources)`);
        return path;
      }
    } catch {
      // unreadable stamp: package again
    }
  }
  const t = Date.now();
  const pkg = await packageVsix({ quiet: true });
  console.log(`    packaged ${relative(REPO_ROOT, pkg.path)}: ${formatBytes(pkg.bytes)}, ${pkg.files.length} files (${Date.now() - t} ms)`);
  if (pkg.path === path) {
    mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
    writeFileSync(STAMP, JSON.stringify(identity()));
  }
  return pkg.path;
}

// ---------------------------------------------------------------------------------------------------
// Workbench helpers (VS Code 1.100 web selectors; see shared/docs/real-editor-tests.md).

export const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

/** F1, type `>Category: Title`, run exactly that command (other commands may match and be listed first). */
export async function runCommand(p, title) {
  await p.keyboard.press('F1');
  const input = p.locator(QUICK_INPUT);
  await input.waitFor();
  await input.fill(`>${title}`);
  // A row's aria-label is the command's title, plus e.g. ", recently used" once it ran.
  const row = p.locator(`.quick-input-list .monaco-list-row:is([aria-label="${title}"], [aria-label^="${title}, "])`);
  await row.waitFor();
  if (!(await row.evaluate((e) => e.classList.contains('focused')))) await row.click();
  else await p.keyboard.press('Enter');
}

export const FILE_PICK_ROWS = '.quick-input-list .monaco-list[aria-label*="result files"] .monaco-list-row';

/** The rows of the file quick pick of "Rerank Lens: Rerank results": label, checked state, data-index. */
export async function readFilePick(p) {
  const files = p.locator(FILE_PICK_ROWS);
  await files.first().waitFor({ timeout: 30_000 });
  return files.evaluateAll((els) =>
    els.map((e) => ({
      index: Number(e.getAttribute('data-index')),
      name: e.querySelector('.label-name')?.textContent ?? '',
      description: e.querySelector('.label-description')?.textContent ?? '',
      checked: e.getAttribute('aria-checked') === 'true',
    })),
  );
}

/** A list's own rows, not the copies sticky scroll pins above them (those lack aria-level). */
export const ROW = '.monaco-list-rows > .monaco-list-row';

/**
 * Every row of a tree view as the DOM shows it, scrolling when the list is virtualized past the viewport.
 * @returns {Promise<Array<{ index: number, last: boolean, level: number, label: string, description: string, icons: string[], selected: boolean, focused: boolean }>>}
 */
export async function readTree(p, viewName) {
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
        selected: e.classList.contains('selected'),
        focused: e.classList.contains('focused'),
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

/** Waits until a tree view's first row is the query (a finished rerank) and its documents are listed. */
export async function waitForResults(p, viewName, query, timeout = 120_000) {
  const first = p.locator(`.monaco-list[aria-label="${viewName}"] ${ROW}[data-index="0"] .label-name`);
  await first.filter({ hasText: query }).waitFor({ timeout });
  // Results fill in progressively: the query row says "scoring x / N…" until the last score is in.
  await p.waitForFunction(
    ({ view, row }) => {
      const description = document.querySelector(`.monaco-list[aria-label="${view}"] ${row}[data-index="0"] .label-description`);
      return description !== null && !/scoring \S+ \/ /.test(description.textContent ?? '');
    },
    { view: viewName, row: ROW },
    { timeout },
  );
  // The documents come in the same refresh as the (expanded) query row.
  await p.locator(`.monaco-list[aria-label="${viewName}"] ${ROW}[data-index="1"]`).waitFor();
}

/** Drags the sash between the side bar and the editor so the side bar is about `width` px wide. */
export async function widenSideBar(p, width) {
  const box = await p.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await p.mouse.move(box.x + box.width - 1, y);
  await p.mouse.down();
  await p.mouse.move(box.x + width - 1, y, { steps: 5 });
  await p.mouse.up();
}

/** Text of the active editor's visible lines (Monaco renders spaces as non-breaking ones). */
export async function activeEditorText(p) {
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

/** The content document of the webview panel in front (VS Code nests it: webview host iframe › active-frame). */
export const webviewFrame = (p) => p.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

/** The generated tiny model both UI tests configure as rerankLens.modelPath. */
export const TINY_MODEL = join(REPO_ROOT, 'test', '.models', 'tiny');

/**
 * Generates the tiny model, packages (or reuses) the VSIX and installs it into a fresh extensions folder.
 * Resolves to that folder and the installed extension's own folder.
 */
export async function installPackagedExtension(vsixOption, resources, { target = 'min', extra = [] } = {}) {
  await makeModel({ out: TINY_MODEL, preset: 'tiny', quant: true });
  const vsix = await ensureVsix(vsixOption);
  const extensionsDir = mkdtempSync(join(tmpdir(), 'rerank-lens-e2e-ext-'));
  resources.tempDirs.push(extensionsDir);
  await installVsix(vsix, extensionsDir, target);
  for (const other of extra) await installVsix(other, extensionsDir, target);
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('rerank-lens.rerank-lens-'));
  assertEqual(installed.length, 1, 'installed rerank-lens folders');
  return { extensionsDir, extensionDir: join(extensionsDir, installed[0]) };
}

/** Runs the installed extension's own CLI (dist/cli.js) in `cwd`; resolves to its stdout (rejects on a non-zero exit). */
export async function runPackagedCli(extensionDir, args, cwd) {
  const { stdout } = await promisify(execFile)(process.execPath, [join(extensionDir, 'dist', 'cli.js'), ...args], { cwd, maxBuffer: 16 << 20 });
  return stdout;
}

/** A temporary copy of sample/ to open as the workspace (removed with the other resources). */
export function sampleWorkspace(resources) {
  const workspace = mkdtempSync(join(tmpdir(), 'rerank-lens-e2e-ws-'));
  resources.tempDirs.push(workspace);
  cpSync(join(REPO_ROOT, 'sample'), workspace, { recursive: true });
  return workspace;
}

/**
 * Starts code-server with the installed extension and `settings` (the tiny model is always configured),
 * opens `workspace` in Chromium and waits for the workbench. `beforeOpen(page)` runs before navigating.
 * `target`, `enableProposedApi`, `env`: as startCodeServer takes them.
 */
export async function openWorkbench({ resources, workspace, extensionsDir, settings = {}, verbose, beforeOpen, target, enableProposedApi, env }) {
  resources.server = await startCodeServer({
    workspace,
    extensionsDir,
    target,
    enableProposedApi,
    env,
    settings: { 'rerankLens.modelPath': TINY_MODEL, 'rerankLens.allowRemoteModels': false, ...settings },
    onOutput: verbose ? (t) => process.stderr.write(`[code-server] ${t}`) : undefined,
  });
  resources.browser = await launchBrowser(BROWSER_SIGNALS);
  const page = await resources.browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (verbose) page.on('console', (m) => process.stderr.write(`[browser:${m.type()}] ${m.text()}\n`));
  await beforeOpen?.(page);
  await page.goto(`${resources.server.url}?${new URLSearchParams({ folder: workspace })}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}
