// Test-only extensions packaged as VSIX files so they can be installed next to the extension under test (the
// web client loads a single development extension, see extensionTestUrl). Packaged with @vscode/vsce, offline,
// and cached in .cache/test-extensions/ by a hash of the folder's files.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './code-server.mjs';

/** The fake language model (vendor 'rerank-lens-fake'); see test/lm-fake-extension/README.md. */
export const FAKE_LM_EXTENSION = join(REPO_ROOT, 'test', 'lm-fake-extension');
export const FAKE_LM_ID = 'rerank-lens-test.lm-fake';
export const FAKE_LM_VENDOR = 'rerank-lens-fake';

const CACHE = join(REPO_ROOT, '.cache', 'test-extensions');

function folderHash(folder) {
  const hash = createHash('sha256');
  const add = (abs) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) add(path);
      else hash.update(`${relative(folder, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  add(folder);
  return hash.digest('hex').slice(0, 16);
}

/**
 * A VSIX of a test-only extension folder (plain JS, no dependencies), packaged now or reused from the cache.
 * @param {string} folder
 * @returns {string} the VSIX path (~2 s to package)
 */
export function packageTestExtension(folder) {
  const { name, version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const out = join(CACHE, `${name}-${version}-${folderHash(folder)}.vsix`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--allow-star-activation', '--skip-license', '--out', out];
  const run = spawnSync(process.execPath, args, { cwd: folder, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`vsce package in ${folder} exited ${run.status ?? run.signal}:\n${run.stdout}${run.stderr}`);
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith(`${name}-${version}-`) && join(CACHE, old) !== out) rmSync(join(CACHE, old));
  }
  return out;
}

/** The fake language model's VSIX (see packageTestExtension). */
export function fakeLanguageModelVsix() {
  return packageTestExtension(FAKE_LM_EXTENSION);
}
