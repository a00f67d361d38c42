/**
 * What the scoring sections need before they measure, done once per run whichever sections ask:
 * dist/worker.js built, the MiniLM-shaped model generated, the benchmark documents tokenized.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeModel } from '../test/fixtures/make-model.mjs';
import { MODEL_DIR, ROOT, WORKER_PATH, type PrepareResult } from './common';
import type { BenchContext } from './harness/section';

const MODEL_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

/** dist/worker.js built and the MiniLM-shaped model generated (not the documents). */
export async function prepareModel(ctx: BenchContext): Promise<void> {
  if (!existsSync(WORKER_PATH)) throw new Error('dist/worker.js is missing: run `npm run build` first (npm run bench does).');
  if (!MODEL_FILES.every((f) => existsSync(join(MODEL_DIR, f)))) {
    ctx.log(`Generating the MiniLM-shaped model (fp32 + q8) in ${relative(ROOT, MODEL_DIR)} ...`);
    await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  }
}

export async function prepareScoring(ctx: BenchContext): Promise<PrepareResult> {
  await prepareModel(ctx);
  return ctx.once('scoring-data', async () => {
    const prepared = await ctx.spawn('prepare', 'bench/contender.ts', ['prepare']).result<PrepareResult>();
    for (const [name, t] of Object.entries(prepared.tokens)) ctx.log(`${name}: pair tokens min ${t.min} / median ${t.median} / max ${t.max}`);
    ctx.log(`documents prepared in ${Math.round(prepared.prepareMs)} ms`);
    return prepared;
  });
}
