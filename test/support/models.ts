import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeModel } from '../fixtures/make-model.mjs';

export const REPO = resolve(__dirname, '..', '..');
export const WORKER = join(REPO, 'dist', 'worker.js');
export const CLI = join(REPO, 'dist', 'cli.js');
export const SAMPLE = join(REPO, 'sample');

const made = new Map<string, Promise<string>>();

/**
 * A generated cross-encoder folder (fp32 + q8) under test/.models, made once per test run.
 * Nothing is committed: the generator is deterministic.
 */
export function fixtureModel(preset: 'tiny' | 'minilm' = 'tiny'): Promise<string> {
  let dir = made.get(preset);
  if (!dir) {
    const out = join(REPO, 'test', '.models', preset);
    dir = makeModel({ out, preset, quant: true }).then(() => out);
    made.set(preset, dir);
  }
  return dir;
}

export function assertBuilt(): void {
  if (!existsSync(WORKER)) throw new Error('dist/worker.js is missing: run `npm run build` first (npm test does).');
}
