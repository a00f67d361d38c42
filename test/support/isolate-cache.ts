/**
 * Mocha setup: the CLI runs the tests start keep their score cache and models in a fresh folder, not in
 * the user's ~/.cache, so a test that counts scored pairs sees the same thing on every run of the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'rl-unit-cache-'));
process.env.XDG_CACHE_HOME = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
