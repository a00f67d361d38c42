/**
 * The two baselines the engine is compared with:
 * - rawOrt: onnxruntime-node's InferenceSession on pre-built tensors of the engine's own encoding,
 *   length-sorted batches of a given token budget (run.ts picks the best of a sweep: an upper bound);
 * - naive: transformers.js as commonly written (default session options, one padded batch, tokenization included).
 */
import { AutoModelForSequenceClassification, AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BATCH_TOKENS, lengthSortedBatches } from '../src/core/scoring/cross-encoder';
import type { Dtype } from '../src/shared/model-spec';
import type { EncodedPair } from '../src/core/scoring/truncate';
import { BIG_CASE, CACHE_DIR, MODEL_DIR, NAIVE_CHUNK, findCase, readData, type ContenderImpl } from './common';

const PAD_ID = 0n;

type Feeds = Record<string, ort.Tensor>;

/** Length-sorted, padded int64 tensors for every micro-batch (built before timing). */
function buildFeeds(pairs: readonly EncodedPair[], batchTokens: number): Feeds[] {
  return lengthSortedBatches(pairs, batchTokens).map((batch) => {
    const rows = batch.map((i) => pairs[i]);
    const width = Math.max(...rows.map((p) => p.inputIds.length));
    const ids = new BigInt64Array(rows.length * width).fill(PAD_ID);
    const mask = new BigInt64Array(rows.length * width);
    const types = new BigInt64Array(rows.length * width);
    rows.forEach((p, row) => {
      for (let i = 0; i < p.inputIds.length; i++) {
        ids[row * width + i] = BigInt(p.inputIds[i]);
        mask[row * width + i] = 1n;
        types[row * width + i] = BigInt(p.typeIds[i]);
      }
    });
    const dims = [rows.length, width];
    return {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', types, dims),
    };
  });
}

export async function createRaw(dtype: Dtype): Promise<ContenderImpl> {
  const data = readData();
  const threads = availableParallelism();
  const file = join(MODEL_DIR, 'onnx', dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx');
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const loadMs = performance.now() - t0;
  const cache = new Map<string, Feeds[]>();
  const feedsFor = (name: string, batchTokens = DEFAULT_BATCH_TOKENS): Feeds[] => {
    const key = `${name}/${batchTokens}`;
    let feeds = cache.get(key);
    if (!feeds) cache.set(key, (feeds = buildFeeds(findCase(data, name).encoded, batchTokens)));
    return feeds;
  };
  return {
    loadMs,
    info: { threads },
    prepare: (name, batchTokens) => void feedsFor(name, batchTokens),
    run: async (name, batchTokens) => {
      for (const f of feedsFor(name, batchTokens)) await session.run(f);
    },
    dispose: () => session.release(),
  };
}

export async function createNaive(dtype: Dtype): Promise<ContenderImpl> {
  const data = readData();
  env.allowRemoteModels = false;
  env.cacheDir = CACHE_DIR;
  const t0 = performance.now();
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL_DIR);
  const model = await AutoModelForSequenceClassification.from_pretrained(MODEL_DIR, { dtype });
  const loadMs = performance.now() - t0;
  return {
    loadMs,
    run: async (name) => {
      const { documents } = findCase(data, name);
      // One padded batch, except the 1000-pair case: 1000 × 300 tokens in one batch would need ~22 GB.
      const chunk = name === BIG_CASE ? NAIVE_CHUNK : documents.length;
      for (let i = 0; i < documents.length; i += chunk) {
        const docs = documents.slice(i, i + chunk);
        const inputs = tokenizer(new Array<string>(docs.length).fill(data.query), { text_pair: docs, padding: true, truncation: true });
        await model(inputs);
      }
    },
    dispose: async () => void (await model.dispose()),
  };
}
