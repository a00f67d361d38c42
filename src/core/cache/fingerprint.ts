/**
 * The `revision` of a local cross-encoder for the score cache: what changes whenever the files that decide a
 * score change.
 *
 * It is a hash of the size and modification time (ns) of config.json, tokenizer.json, tokenizer_config.json and
 * the ONNX file of the dtype — not of their content. Hashing content costs 0.2-3 s per rerank for 90 MB-1.1 GB
 * model files, far over the cache's 50 ms budget; hashing config + the first MB is cheap but blind to weights
 * changed further into the file (a re-exported fine-tune can keep the same graph and shapes, and the classifier
 * head is written last), and a stale hit silently shows wrong scores. size + mtime changes on every rewrite; its
 * only false alarm is a copied or touched folder, which costs one re-scoring, never a wrong score.
 *
 * Hub ids resolve to the files transformers.js cached under `cacheDir` (it keeps `main` and never re-downloads a
 * cached file, so the cached bytes are the revision in use); call this after the model is loaded.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILES } from '../scoring/model-files';
import { isLocalModel } from '../scoring/model-location';
import type { ModelSpec } from '../../shared/model-spec';

const SCORING_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** The folder transformers.js reads `spec.model` from: the folder itself, or its copy in the cache. */
async function modelFolder(spec: Pick<ModelSpec, 'model' | 'cacheDir'>): Promise<string | undefined> {
  if (isLocalModel(spec.model)) return spec.model;
  // CrossEncoder.load points env.localModelPath at cacheDir/local, then downloads into cacheDir/<id>.
  for (const dir of [join(spec.cacheDir, 'local', spec.model), join(spec.cacheDir, spec.model)]) {
    if ((await stat(join(dir, 'config.json')).catch(() => undefined))?.isFile()) return dir;
  }
  return undefined;
}

/**
 * `stat:<16 hex>` for a local folder, `main+stat:<16 hex>` for a cached hub model; undefined when the model's
 * files are not on disk (not downloaded yet): do not cache scores then.
 */
export async function modelRevision(spec: Pick<ModelSpec, 'model' | 'dtype' | 'cacheDir'>): Promise<string | undefined> {
  const dir = await modelFolder(spec);
  if (!dir) return undefined;
  const hash = createHash('sha256');
  for (const file of [...SCORING_FILES, MODEL_FILES[spec.dtype]]) {
    const info = await stat(join(dir, file), { bigint: true }).catch(() => undefined);
    if (!info && file === MODEL_FILES[spec.dtype]) return undefined;
    hash.update(`${file}\0${info ? `${info.size}\0${info.mtimeNs}` : 'absent'}\0`);
  }
  const digest = hash.digest('hex').slice(0, 16);
  return isLocalModel(spec.model) ? `stat:${digest}` : `main+stat:${digest}`;
}
