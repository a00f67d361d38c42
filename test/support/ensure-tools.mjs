// What the real-editor tests need (code-server and Chromium), installed on first use so that on a fresh
// Debian/Ubuntu machine `npm install && npm test` is all it takes. Elsewhere it says exactly what to
// install or which variables point at existing copies.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH, CODE_SERVER_VERSION, REPO_ROOT, findCodeServer, toolsDir } from './code-server.mjs';

const INSTALLER = join(REPO_ROOT, 'scripts', 'install-test-tools.sh');

function missing() {
  const out = [];
  if (!findCodeServer()) out.push(`code-server ${CODE_SERVER_VERSION} (looked in ${toolsDir()})`);
  if (!existsSync(CHROMIUM_PATH)) out.push(`Chromium (looked for ${CHROMIUM_PATH})`);
  return out;
}

/** apt is usable when it exists and we are root or have passwordless sudo. */
function canApt() {
  if (process.platform !== 'linux' || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return false;
  if (process.getuid?.() === 0) return true;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure code-server and Chromium are there, installing them with scripts/install-test-tools.sh when
 * apt can; returns an explanation of what is missing when they cannot be had (undefined when all is well).
 */
export function ensureTestTools({ log = (m) => console.error(m) } = {}) {
  const before = missing();
  if (before.length === 0) return undefined;
  if (process.env.RERANK_LENS_NO_INSTALL !== '1' && canApt()) {
    log(`test tools: ${before.join(' and ')} missing; installing them with scripts/install-test-tools.sh (once, ~2 min)…`);
    const run = spawnSync('bash', [INSTALLER], { stdio: 'inherit' });
    const after = missing();
    if (run.status === 0 && after.length === 0) return undefined;
    return `scripts/install-test-tools.sh ${run.status === 0 ? 'ran' : `failed (exit ${run.status})`} and ${after.join(' and ')} ${after.length > 1 ? 'are' : 'is'} still missing.`;
  }
  return (
    `${before.join(' and ')} ${before.length > 1 ? 'are' : 'is'} missing, and this machine cannot install ${before.length > 1 ? 'them' : 'it'} with apt.\n` +
    '  The real-editor tests need:\n' +
    `    - code-server ${CODE_SERVER_VERSION} (Node 20): \`npm install code-server@${CODE_SERVER_VERSION}\` in a folder of its own, then\n` +
    '      RERANK_LENS_TOOLS=<that folder> (it needs a C++ toolchain, python3, pkg-config, libsecret/libx11/libxkbfile/krb5 headers);\n' +
    '    - Chrome or Chromium: RERANK_LENS_CHROMIUM=/path/to/chrome (macOS: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome").\n' +
    '  On Debian/Ubuntu, `bash scripts/install-test-tools.sh` does all of it. The unit suite (`npm run test:unit`) needs none of this.'
  );
}
