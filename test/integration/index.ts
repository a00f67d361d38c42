/**
 * Entry point that VS Code (code-server, or Electron via @vscode/test-electron) loads inside the
 * extension host: runs every *.test.js next to this file with mocha and fails if any test fails.
 */
import { runMochaSuite } from '../support/mocha-suite';

export function run(): Promise<void> {
  return runMochaSuite(__dirname, 'integration');
}
