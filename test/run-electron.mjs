#!/usr/bin/env node
// Runs the extension-host integration suite (out/test/integration/index.js) in desktop VS Code (Electron)
// through @vscode/test-electron, with the same workspace and settings as test/run-integration.mjs.
//
//   node test/run-electron.mjs [--grep <pattern>] [--no-build]
//
// For machines with internet access and a display: @vscode/test-electron downloads VS Code (latest stable,
// cached in .cache/vscode-test/) and opens a window. On Linux without a display use `xvfb-run -a`.
// Offline, use `npm run test:integration` instead (code-server + headless Chromium). This script checks
// both prerequisites first and exits 1 with an explanation instead of hanging.
// Env: RERANK_LENS_VSCODE=<path to a VS Code executable> skips the download (and the network check).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { makeModel } from './fixtures/make-model.mjs';
import { REPO_ROOT } from './support/code-server.mjs';

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});

const RELEASES_API = 'https://update.code.visualstudio.com/api/releases/stable';
const CACHE = join(REPO_ROOT, '.cache', 'vscode-test');
const log = (line) => console.log(`run-electron: ${line}`);
const fail = (message) => {
  console.error(`run-electron: ${message}`);
  process.exit(1);
};

// 1. Prerequisites, checked before anything slow.
const problems = [];
const vscodeExecutablePath = process.env.RERANK_LENS_VSCODE;
if (vscodeExecutablePath) {
  if (!existsSync(vscodeExecutablePath)) problems.push(`RERANK_LENS_VSCODE=${vscodeExecutablePath} does not exist.`);
} else {
  const cached = existsSync(CACHE) && readdirSync(CACHE).some((d) => d.startsWith('vscode-'));
  try {
    const res = await fetch(RELEASES_API, { signal: AbortSignal.timeout(8_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    if (!cached) {
      const reason = err instanceof Error ? (err.cause?.code ?? err.cause?.message ?? err.message) : String(err);
      problems.push(
        `VS Code cannot be downloaded: ${RELEASES_API} is unreachable (${reason}) and no copy is cached in ` +
          `${relative(REPO_ROOT, CACHE)}/. @vscode/test-electron needs internet access the first time ` +
          '(or set RERANK_LENS_VSCODE to an installed VS Code executable).',
      );
    } else {
      log(`offline (${RELEASES_API} unreachable): using the VS Code cached in ${relative(REPO_ROOT, CACHE)}/`);
    }
  }
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  problems.push('No display (DISPLAY is not set): VS Code opens a window. Run it under a virtual one: `xvfb-run -a npm run test:electron`.');
}
if (problems.length) {
  fail(
    `cannot run the suite in desktop VS Code here:\n  - ${problems.join('\n  - ')}\n` +
      '  Offline or headless, run the same suite in code-server instead: npm run test:integration',
  );
}

// 2. Build the extension and the suite (as `npm test` does).
if (!opts['no-build']) {
  for (const script of ['build', 'build:tests']) {
    const run = spawnSync('npm', ['run', script, '--silent'], { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    if (run.status !== 0) fail(`npm run ${script} failed (exit ${run.status ?? run.signal}).`);
  }
}
const suite = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
if (!existsSync(suite)) fail(`${relative(REPO_ROOT, suite)} is missing: run \`npm run build:tests\` first.`);

// 3. The same workspace and settings as run-integration.mjs, in throwaway dirs.
const home = mkdtempSync(join(tmpdir(), 'rerank-lens-electron-'));
const workspace = join(home, 'workspace');
cpSync(join(REPO_ROOT, 'sample'), workspace, { recursive: true });
writeFileSync(join(workspace, 'broken_results.json'), '[\n  {"id": 1, "text": "a"}\n  {"id": 2, "text": "b"}\n]\n');
const model = join(REPO_ROOT, 'test', '.models', 'tiny');
await makeModel({ out: model, preset: 'tiny', quant: true });
const userDataDir = join(home, 'user-data');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
writeFileSync(
  join(userDataDir, 'User', 'settings.json'),
  JSON.stringify(
    {
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': false,
      'rerankLens.modelPath': model,
      'rerankLens.allowRemoteModels': false,
    },
    null,
    2,
  ),
);

// 4. Run.
let code = 1;
try {
  const { runTests } = await import('@vscode/test-electron');
  code = await runTests({
    vscodeExecutablePath,
    cachePath: CACHE,
    timeout: 30_000,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: suite,
    launchArgs: [
      workspace,
      '--disable-extensions',
      `--user-data-dir=${userDataDir}`,
      `--extensions-dir=${join(home, 'extensions')}`,
    ],
    extensionTestsEnv: opts.grep ? { RERANK_LENS_TEST_GREP: opts.grep } : {},
  });
} catch (err) {
  console.error(`run-electron: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  rmSync(home, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(code);
