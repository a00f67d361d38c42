/**
 * The scoring worker: wires the message port to the cross-encoder. Requests run one at a time;
 * a cancel only sets a flag that the scoring loop checks between micro-batches, because stopping
 * onnxruntime mid-run (terminate) would abort the whole process.
 */
import { parentPort } from 'node:worker_threads';
import { isInputError } from '../core/errors';
import { CrossEncoder } from '../core/scoring/cross-encoder';
import type { ModelSpec, WorkerErrorCode, WorkerRequest, WorkerResponse } from '../core/scoring/protocol';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

let loaded: { key: string; encoder: CrossEncoder } | undefined;
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

const post = (message: WorkerResponse) => port.postMessage(message);

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  queue = queue.then(() => handle(request));
});

async function handle(request: Exclude<WorkerRequest, { type: 'cancel' }>): Promise<void> {
  if (request.type === 'dispose') {
    await loaded?.encoder.dispose();
    loaded = undefined;
    post({ type: 'disposed' });
    return;
  }
  const { id } = request;
  try {
    if (cancelled.has(id)) return post({ type: 'cancelled', id });
    const started = performance.now();
    const encoder = await load(request.model, id);
    const loadMs = performance.now() - started;
    if (request.type === 'load') return post({ type: 'loaded', id, loadMs });
    const out = await encoder.score(request.query, request.documents, {
      batchTokens: request.batchTokens,
      shouldStop: () => cancelled.has(id),
      onProgress: (done, total) => post({ type: 'progress', id, progress: { phase: 'score', done, total } }),
    });
    if (out.stopped) return post({ type: 'cancelled', id });
    post({ type: 'scored', id, scores: out.scores, timings: { loadMs, tokenizeMs: out.tokenizeMs, inferenceMs: out.inferenceMs } });
  } catch (err) {
    post({ type: 'error', id, ...describe(err) });
  } finally {
    cancelled.delete(id);
  }
}

async function load(spec: ModelSpec, id: number): Promise<CrossEncoder> {
  const key = JSON.stringify(spec);
  if (loaded?.key === key) return loaded.encoder;
  await loaded?.encoder.dispose();
  loaded = undefined;
  let lastPercent = -1;
  const encoder = await CrossEncoder.load(spec, (progress) => {
    // Downloads report every chunk; pass on whole-percent steps only.
    if (progress.phase === 'download') {
      const step = Math.floor(progress.percent);
      if (step === lastPercent && progress.loaded !== progress.total) return;
      lastPercent = step;
    }
    post({ type: 'progress', id, progress });
  });
  loaded = { key, encoder };
  return encoder;
}

function describe(err: unknown): { code: WorkerErrorCode; message: string } {
  if (isInputError(err)) {
    const code = err.code === 'offline' || err.code === 'download-failed' || err.code === 'out-of-memory' ? err.code : 'bad-model';
    return { code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/bad_alloc|Failed to allocate|out of memory|Array buffer allocation failed/i.test(message)) {
    return {
      code: 'out-of-memory',
      message: `Ran out of memory while scoring (${message}). Rerank fewer documents or lower the max length.`,
    };
  }
  return { code: 'internal', message };
}
