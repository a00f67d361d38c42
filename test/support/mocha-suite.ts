import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs every *.test.js in `dir` (a built suite in out/test/) with mocha inside the extension host, prints a
 * plain closing line CI can read ("<name>: N passed, N failed", whatever the reporter printed) and fails if
 * any test failed. $RERANK_LENS_TEST_GREP picks tests by name.
 */
export async function runMochaSuite(dir: string, name: string): Promise<void> {
  // Mocha 12 ships as an ES module only.
  const { default: Mocha } = (await import('mocha')) as unknown as { default: typeof import('mocha') };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, grep: process.env.RERANK_LENS_TEST_GREP });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(dir, file));
  await mocha.loadFilesAsync();
  const { failures, passes } = await new Promise<{ failures: number; passes: number }>((resolve) => {
    const runner = mocha.run((failures) => resolve({ failures, passes: runner.stats?.passes ?? 0 }));
  });
  process.stdout.write(`\n${name}: ${passes} passed, ${failures} failed\n`);
  if (failures > 0) throw new Error(`${failures} ${name} test(s) failed.`);
}
