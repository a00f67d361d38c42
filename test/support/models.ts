import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeModel, type Arch, type Preset } from '../fixtures/make-model.mjs';

export const REPO = resolve(__dirname, '..', '..');
export const WORKER = join(REPO, 'dist', 'worker.js');
export const CLI = join(REPO, 'dist', 'cli.js');
export const SAMPLE = join(REPO, 'sample');

const made = new Map<string, Promise<string>>();

/**
 * A generated cross-encoder folder (fp32 + q8) under test/.models, made once per test run.
 * Nothing is committed: the generator is deterministic. The default (BERT, one logit) keeps its old folder name.
 */
export function fixtureModel(preset: Preset = 'tiny', options: { arch?: Arch; labels?: 1 | 2 } = {}): Promise<string> {
  const { arch = 'bert', labels = 1 } = options;
  const name = arch === 'bert' && labels === 1 ? preset : `${arch}-${preset}-${labels}`;
  let dir = made.get(name);
  if (!dir) {
    const out = join(REPO, 'test', '.models', name);
    dir = makeModel({ out, arch, preset, labels, quant: true }).then(() => out);
    made.set(name, dir);
  }
  return dir;
}

export function assertBuilt(): void {
  if (!existsSync(WORKER)) throw new Error('dist/worker.js is missing: run `npm run build` first (npm test does).');
}
