#!/usr/bin/env node
// Builds a platform-specific VSIX with @vscode/vsce: rerank-lens-<version>-<target>.vsix in the repo root.
//
//   node scripts/package.mjs [--target linux-x64|linux-arm64|darwin-arm64|win32-x64|win32-arm64] [--out FILE]
//                            [--quiet]
//
// Default target: this machine's. The VSIX holds dist/ (bundled, no source maps), media/, the manifest and
// docs, and only the runtime node_modules the bundles leave external: onnxruntime-node (its JS and the
// target's native binaries only) and onnxruntime-common. The rules live in .vscodeignore; this script swaps
// its all-platforms binaries line for the target's folder and checks the result. vsce runs
// `vscode:prepublish` (the production build) itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** vsce targets onnxruntime-node 1.30 has binaries for (no Intel macOS, no Alpine/musl, no armhf). */
export const TARGETS = {
  'linux-x64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'win32-x64': ['win32', 'x64'],
  'win32-arm64': ['win32', 'arm64'],
};

const ALL_BINARIES_LINE = '!node_modules/onnxruntime-node/bin/napi-v6/**';

/** The vsce target for a platform/arch pair, or undefined when onnxruntime-node has no binaries for it. */
export function currentTarget(platform = process.platform, arch = process.arch) {
  return Object.entries(TARGETS).find(([, [p, a]]) => p === platform && a === arch)?.[0];
}

export function vsixPathFor(target) {
  const { name, version } = readManifest();
  return join(REPO_ROOT, `${name}-${version}-${target}.vsix`);
}

function readManifest() {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
}

/**
 * Packages the extension for `target` and verifies the VSIX's contents.
 * @returns {Promise<{ path: string, bytes: number, files: string[] }>}
 */
export async function packageVsix({ target = currentTarget(), out, quiet = false } = {}) {
  if (!target) {
    throw new Error(
      `onnxruntime-node has no binaries for ${process.platform}-${process.arch}; pass --target ` +
        `(one of ${Object.keys(TARGETS).join(', ')}).`,
    );
  }
  if (!TARGETS[target]) throw new Error(`Unsupported target "${target}" (one of ${Object.keys(TARGETS).join(', ')}).`);
  const [platform, arch] = TARGETS[target];
  const binaries = join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', platform, arch);
  if (!existsSync(join(binaries, 'onnxruntime_binding.node'))) {
    throw new Error(`${relative(REPO_ROOT, binaries)} is missing: run \`npm install\` first.`);
  }

  const ignore = readFileSync(join(REPO_ROOT, '.vscodeignore'), 'utf8');
  const lines = ignore.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() === ALL_BINARIES_LINE);
  if (at < 0) throw new Error(`.vscodeignore lacks the line "${ALL_BINARIES_LINE}" this script replaces.`);
  lines[at] = `!node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/**`;

  const tmp = mkdtempSync(join(tmpdir(), 'rerank-lens-package-'));
  const outPath = resolve(out ?? vsixPathFor(target));
  try {
    const ignoreFile = join(tmp, 'vscodeignore');
    writeFileSync(ignoreFile, lines.join('\n'));
    const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const args = [vsce, 'package', '--target', target, '--out', outPath, '--ignoreFile', ignoreFile];
    // The manifest's repository is a placeholder and README has no relative links to rewrite.
    args.push('--no-rewrite-relative-links');
    const run = spawnSync(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    if (run.status !== 0) {
      throw new Error(`vsce package exited ${run.status ?? run.signal}${quiet ? `:\n${run.stdout}${run.stderr}` : ''}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const files = listZip(outPath)
    .filter((f) => f.startsWith('extension/'))
    .map((f) => f.slice('extension/'.length));
  checkContents(files, platform, arch);
  return { path: outPath, bytes: statSync(outPath).size, files };
}

/** Throws unless the VSIX holds what the extension needs at run time and nothing else. */
function checkContents(files, platform, arch) {
  const required = [
    'package.json', 'readme.md', 'changelog.md', 'license.txt',
    'dist/extension.js', 'dist/worker.js', 'dist/reader.js', 'dist/cli.js', 'media/rerank-lens.svg',
    'node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-node/dist/index.js',
    `node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`,
    'node_modules/onnxruntime-common/package.json', 'node_modules/onnxruntime-common/dist/cjs/index.js',
  ];
  // vsce renames README.md/CHANGELOG.md to lower case and LICENSE to LICENSE.txt.
  const lower = new Set(files.map((f) => f.toLowerCase()));
  const problems = required.filter((f) => !lower.has(f.toLowerCase())).map((f) => `missing ${f}`);
  const allowed = [
    /^(package\.json|readme\.md|changelog\.md|license(\.txt)?)$/i,
    /^dist\/.+\.(js|css|ttf|woff2?|svg|png|html)$/, // bundles and webview assets, never source maps
    /^media\/.+/,
    /^node_modules\/onnxruntime-(node|common)\/package\.json$/,
    /^node_modules\/onnxruntime-node\/dist\/[^/]+\.js$/,
    /^node_modules\/onnxruntime-common\/dist\/cjs\/([^/]+\.js|package\.json)$/,
    new RegExp(`^node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/[^/]+$`),
  ];
  for (const f of files) if (!allowed.some((re) => re.test(f))) problems.push(`unexpected ${f}`);
  if (problems.length) throw new Error(`The VSIX's contents are wrong:\n  ${problems.join('\n  ')}`);
}

/** Entry names of a zip file, from its central directory (VSIX files are plain zips, never zip64 here). */
export function listZip(path) {
  const buf = readFileSync(path);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory entry`);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

export function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { target: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean', default: false } },
  });
  try {
    const { path, bytes, files } = await packageVsix({ target: values.target, out: values.out, quiet: values.quiet });
    const modules = files.filter((f) => f.startsWith('node_modules/')).length;
    console.log(
      `package: ${relative(process.cwd(), path) || path} ${formatBytes(bytes)} ` +
        `(${files.length} files, ${modules} of them in node_modules; contents checked)`,
    );
  } catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
