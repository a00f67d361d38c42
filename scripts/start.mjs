#!/usr/bin/env node
// `npm start`: builds the extension and opens sample/ in an editor with it loaded from this folder.
//
//   node scripts/start.mjs [--code-server] [--tiny-model]
//
// - With VS Code's `code` on PATH: `code --extensionDevelopmentPath=<repo> <repo>/sample` (a new window).
// - Otherwise (or with --code-server): code-server from .tools/code-server (`bash scripts/install-test-tools.sh`)
//   on 127.0.0.1:$PORT (default: a free port), with the extension loaded through the workbench URL's
//   `extensionDevelopmentPath` payload. Prints the URL and runs until Ctrl-C, then stops the server and
//   everything it started. Its user data is fresh on every start.
// - --tiny-model (code-server only): generates the small test model into test/.models/tiny if it is missing
//   and sets rerankLens.modelPath to it, for machines that cannot reach the Hugging Face hub. Without it the
//   extension downloads its default model on the first rerank.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CODE_SERVER_VERSION,
  REPO_ROOT,
  extensionTestUrl,
  findCodeServer,
  startCodeServer,
  toolsDir,
} from '../test/support/code-server.mjs';

const { values: opts } = parseArgs({
  options: {
    'code-server': { type: 'boolean', default: false },
    'tiny-model': { type: 'boolean', default: false },
  },
});

const log = (line) => console.log(`start: ${line}`);
const fail = (message) => {
  console.error(`start: ${message}`);
  process.exit(1);
};
const isWindows = process.platform === 'win32';
const sample = join(REPO_ROOT, 'sample');

/** Full path of an executable on PATH, or undefined. */
function onPath(name) {
  const exts = isWindows ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = join(dir, name + ext.toLowerCase());
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

function buildExtension() {
  log('building (npm run build)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit', shell: isWindows });
  if (build.status !== 0) fail(`the build failed (exit ${build.status ?? build.signal}).`);
}

const code = opts['code-server'] ? undefined : onPath('code');
if (code) {
  buildExtension();
  if (opts['tiny-model']) log('--tiny-model only applies to code-server; set rerankLens.modelPath yourself in VS Code.');
  log(`opening sample/ in VS Code with the extension from ${REPO_ROOT}`);
  const run = spawnSync(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, sample], { stdio: 'inherit', shell: isWindows });
  process.exit(run.status ?? 1);
}

if (!findCodeServer()) {
  fail(
    `VS Code's \`code\` is not on PATH and code-server ${CODE_SERVER_VERSION} is not installed in ${toolsDir()}.\n` +
      '  Install code-server (with Chromium and build deps, ~1 min) with:\n' +
      '    bash scripts/install-test-tools.sh\n' +
      '  then run `npm start` again (or put VS Code\'s `code` command on PATH).',
  );
}

buildExtension();
const settings = {};
if (opts['tiny-model']) {
  const model = join(REPO_ROOT, 'test', '.models', 'tiny');
  if (!existsSync(join(model, 'onnx', 'model.onnx'))) {
    log('generating the tiny test model into test/.models/tiny…');
    const { makeModel } = await import('../test/fixtures/make-model.mjs');
    await makeModel({ out: model, preset: 'tiny', quant: true });
  }
  Object.assign(settings, { 'rerankLens.modelPath': model, 'rerankLens.allowRemoteModels': false });
}

let port;
if (process.env.PORT) {
  port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port number, got "${process.env.PORT}".`);
}

let server;
let starting;
let stopping = false;
const stop = async (exitCode) => {
  if (stopping) return;
  stopping = true;
  // code-server runs in its own process group (Ctrl-C does not reach it): always stop it ourselves,
  // also when the signal came while it was still starting.
  const running = server ?? (await starting?.catch(() => undefined));
  if (running) {
    log('stopping code-server…');
    await running.stop();
  }
  process.exit(exitCode);
};
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
process.on('SIGHUP', () => void stop(129));

try {
  starting = startCodeServer({ workspace: sample, port, settings });
  server = await starting;
} catch (err) {
  fail(`code-server did not start: ${err instanceof Error ? err.message : String(err)}`);
}
if (stopping) await new Promise(() => {}); // a signal came during start-up: stop() exits

const url = extensionTestUrl(server.url, { workspace: sample, extensionDevelopmentPath: REPO_ROOT });
log(`code-server ${CODE_SERVER_VERSION} is running with Rerank Lens loaded from ${REPO_ROOT}.`);
console.log(`\n  Open: ${url}\n`);
log('after changing code: `npm run build`, then "Developer: Reload Window" in the editor. Ctrl-C to stop.');

// Stay in the foreground; leave when the server dies on its own.
const alive = () => {
  try {
    process.kill(server.pid, 0);
    return true;
  } catch {
    return false;
  }
};
const watchdog = setInterval(() => {
  if (stopping || alive()) return;
  clearInterval(watchdog);
  console.error(`start: code-server exited unexpectedly.\n--- code-server output ---\n${server.output()}`);
  void stop(1);
}, 1000);
