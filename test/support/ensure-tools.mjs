// What the real-editor tests need (code-server and Chromium), installed on first use so that on a fresh
// Debian/Ubuntu machine `npm install && npm test` is all it takes. Elsewhere it says exactly what to
// install or which variables point at existing copies.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH, REPO_ROOT, TARGETS, findCodeServer, toolsDir } from './code-server.mjs';

const INSTALLER = join(REPO_ROOT, 'scripts', 'install-test-tools.sh');

function missing(target) {
  const out = [];
  if (!findCodeServer(target)) out.push(`code-server ${TARGETS[target].codeServer} (looked in ${toolsDir(target)})`);
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
 * Makes sure a target's code-server ('min' 4.100.3 or 'lm' 4.117, see TARGETS) and Chromium are there,
 * installing them with scripts/install-test-tools.sh --target <target> when apt can; returns an explanation
 * of what is missing when they cannot be had (undefined when all is well).
 */
export function ensureTestTools({ log = (m) => console.error(m), target = 'min' } = {}) {
  const before = missing(target);
  if (before.length === 0) return undefined;
  if (process.env.RERANK_LENS_NO_INSTALL !== '1' && canApt()) {
    const minutes = target === 'lm' ? '~5 min' : '~3 min';
    log(`test tools: ${before.join(' and ')} missing; installing them with scripts/install-test-tools.sh --target ${target} (once, ${minutes})…`);
    const run = spawnSync('bash', [INSTALLER, '--target', target], { stdio: 'inherit' });
    const after = missing(target);
    if (run.status === 0 && after.length === 0) return undefined;
    return `scripts/install-test-tools.sh ${run.status === 0 ? 'ran' : `failed (exit ${run.status})`} and ${after.join(' and ')} ${after.length > 1 ? 'are' : 'is'} still missing.`;
  }
  return (
    `${before.join(' and ')} ${before.length > 1 ? 'are' : 'is'} missing, and this machine cannot install ${before.length > 1 ? 'them' : 'it'} with apt.\n` +
    '  The real-editor tests need:\n' +
    (target === 'lm'
      ? `    - code-server ${TARGETS.lm.codeServer} on Node 22: see scripts/install-test-tools.sh (install_lm), then RERANK_LENS_LM_TOOLS=<that folder>;\n`
      : `    - code-server ${TARGETS.min.codeServer} (Node 20): \`npm install code-server@${TARGETS.min.codeServer}\` in a folder of its own, then\n` +
        '      RERANK_LENS_TOOLS=<that folder> (it needs a C++ toolchain, python3, pkg-config, libsecret/libx11/libxkbfile/krb5 headers);\n') +
    '    - Chrome or Chromium: RERANK_LENS_CHROMIUM=/path/to/chrome (macOS: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome").\n' +
    '  On Debian/Ubuntu, `bash scripts/install-test-tools.sh` does all of it. The unit suite (`npm run test:unit`) needs none of this.'
  );
}
