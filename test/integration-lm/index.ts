/**
 * Entry point that VS Code 1.117 (code-server 4.117, the `lm` target) loads inside the extension host, next to
 * the fake language model: runs every *.test.js next to this file with mocha and fails if any test fails.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function run(): Promise<void> {
  // Mocha 12 ships as an ES module only.
  const { default: Mocha } = (await import('mocha')) as unknown as { default: typeof import('mocha') };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, grep: process.env.RERANK_LENS_TEST_GREP });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  await mocha.loadFilesAsync();
  const { failures, passes } = await new Promise<{ failures: number; passes: number }>((resolve) => {
    const runner = mocha.run((failures) => resolve({ failures, passes: runner.stats?.passes ?? 0 }));
  });
  // A plain closing line CI can read, whatever the reporter printed.
  process.stdout.write(`\nintegration-lm: ${passes} passed, ${failures} failed\n`);
  if (failures > 0) throw new Error(`${failures} integration-lm test(s) failed.`);
}
