/**
 * Entry point that VS Code 1.117 (code-server 4.117, the `lm` target) loads inside the extension host, next to
 * the fake language model: runs every *.test.js next to this file with mocha and fails if any test fails.
 */
import { runMochaSuite } from '../support/mocha-suite';

export function run(): Promise<void> {
  return runMochaSuite(__dirname, 'integration-lm');
}
