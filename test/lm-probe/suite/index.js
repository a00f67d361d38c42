// Loaded by VS Code inside the extension host (extensionTestsPath): runs *.test.js here with mocha.
'use strict';
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

exports.run = async function run() {
  const { default: Mocha } = await import('mocha'); // mocha 12 is ESM-only
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, grep: process.env.RERANK_LENS_TEST_GREP });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  await mocha.loadFilesAsync();
  const { failures, passes } = await new Promise((resolve) => {
    const runner = mocha.run((failures) => resolve({ failures, passes: runner.stats?.passes ?? 0 }));
  });
  process.stdout.write(`\nlm-probe: ${passes} passed, ${failures} failed\n`);
  if (failures > 0) throw new Error(`${failures} probe test(s) failed.`);
};
