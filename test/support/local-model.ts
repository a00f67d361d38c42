import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { makeModel, type Arch, type Preset } from '../fixtures/make-model.mjs';

/**
 * A model generated (fp32 + q8) into `<tmp>/a` of a fresh folder named `prefix`…, with transformers.js set
 * to load local folders only and to cache under `<tmp>/cache`: what the generator's tests load like a hub model.
 */
export async function generateLocalModel(prefix: string, options: { arch?: Arch; preset?: Preset }): Promise<{ tmp: string; dir: string }> {
  const tmp = await mkdtemp(join(tmpdir(), prefix));
  const dir = join(tmp, 'a');
  await makeModel({ out: dir, ...options, quant: true });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.cacheDir = join(tmp, 'cache');
  return { tmp, dir };
}
