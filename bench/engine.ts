/**
 * The engine contender: ScoringWorker.score through the worker thread (tokenization included), default
 * options unless a batch token budget is swept, model loaded beforehand. Also the cancel latency and the
 * worker's cold start.
 */
import { CancelledError } from '../src/core/errors';
import type { Dtype } from '../src/shared/model-spec';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import { DTYPES, WORKER_PATH, findCase, log, median, modelSpec, readData, round1, type ColdResult, type ContenderImpl } from './common';

export async function createEngine(dtype: Dtype): Promise<ContenderImpl> {
  const data = readData();
  const spec = modelSpec(dtype);
  const worker = new ScoringWorker({ workerPath: WORKER_PATH, idleMs: 60 * 60_000 });
  const { loadMs } = await worker.load(spec);
  return {
    loadMs,
    run: (name, batchTokens) => worker.score({ model: spec, query: data.query, documents: findCase(data, name).documents, batchTokens }),
    cancel: (name, delayMs = 0) => cancelOnce(worker, spec.dtype, data.query, findCase(data, name).documents, delayMs),
    dispose: () => worker.dispose(),
  };
}

/**
 * Starts scoring, aborts `delayMs` after the first progress event (0: right away; otherwise most likely while
 * a micro-batch runs), and times from the abort until the promise rejects with CancelledError.
 */
async function cancelOnce(worker: ScoringWorker, dtype: Dtype, query: string, documents: string[], delayMs: number): Promise<number> {
  const controller = new AbortController();
  let progressed = false;
  let abortedAt = 0;
  const abort = () => {
    abortedAt = performance.now();
    controller.abort();
  };
  try {
    await worker.score({
      model: modelSpec(dtype),
      query,
      documents,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== 'score' || progressed) return;
        progressed = true;
        if (delayMs > 0) setTimeout(abort, delayMs);
        else abort();
      },
    });
  } catch (err) {
    if (err instanceof CancelledError && abortedAt) return performance.now() - abortedAt;
    throw err;
  }
  throw new Error('scoring finished although it was cancelled');
}

/** A new worker spawned and the model loaded, per dtype, median of `runs`. */
export async function runCold(runs = 3): Promise<ColdResult> {
  const coldStartMs: ColdResult['coldStartMs'] = {};
  for (const dtype of DTYPES) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const worker = new ScoringWorker({ workerPath: WORKER_PATH });
      const t0 = performance.now();
      await worker.load(modelSpec(dtype));
      times.push(performance.now() - t0);
      await worker.dispose();
    }
    coldStartMs[dtype] = { medianMs: round1(median(times)), runsMs: times.map(round1) };
    log(`cold start ${dtype}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
  return { coldStartMs };
}
