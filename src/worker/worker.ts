/**
 * The scoring worker: wires the message port to the cross-encoder. Calls run one at a time; a cancel
 * only sets a flag that the scoring loop checks between micro-batches, because stopping onnxruntime
 * mid-run (terminate) would abort the whole process.
 */
import { parentPort } from 'node:worker_threads';
import { isCancelled, isInputError } from '../core/errors';
import { runEvaluation, type BatchScorer } from '../core/eval/pipeline';
import { rerankQuery } from '../core/eval/query';
import { CrossEncoder, type ScoringSet } from '../core/scoring/cross-encoder';
import { ScoreCache } from '../core/cache/score-cache';
import { createBatchScorer } from '../core/rerankers/batch-scorer';
import type { LocalScoring } from '../core/rerankers/scorer';
import type { ModelSpec } from '../shared/model-spec';
import type { RerankerSpec } from '../shared/reranker-spec';
import type { InputErrorDetail, Progress, WorkerCall, WorkerErrorCode, WorkerHandlers, WorkerRequest, WorkerResponse } from '../shared/worker-protocol';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

let loaded: { key: string; encoder: CrossEncoder } | undefined;
const cancelled = new Set<number>();
/** Documents sent ahead of their call (`texts` messages), by call id. */
const staged = new Map<number, string[][]>();
/** Partial scores go out at most this often (the first batch's at once): the host re-ranks on each. */
const PARTIAL_EVERY_MS = 100;
/** Per running call: aborted by a cancel, so file reading stops as well as scoring. */
const aborts = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

const post = (message: WorkerResponse) => port.postMessage(message);

/** Thrown inside a handler when its call was cancelled; answered with `cancelled`. */
class Stopped extends Error {}

interface CallContext {
  id: number;
  isCancelled: () => boolean;
  signal: AbortSignal;
}

const scoreProgress = (id: number) => (done: number, total: number) => post({ type: 'progress', id, progress: { phase: 'score', done, total } });

async function scoreSets(model: ModelSpec, { id, isCancelled }: CallContext, sets: ScoringSet[], batchTokens?: number, onProgress = scoreProgress(id)) {
  const started = performance.now();
  const encoder = await load(model, id);
  const loadMs = performance.now() - started;
  const out = await encoder.scoreMany(sets, { batchTokens, shouldStop: isCancelled, onProgress });
  if (out.stopped) throw new Stopped();
  return { scores: out.scores, timings: { loadMs, tokenizeMs: out.tokenizeMs, inferenceMs: out.inferenceMs } };
}

/** The cross-encoder in this very thread, as the scorer factory takes a scoring worker. */
function inThread(context: CallContext): LocalScoring {
  const progress = (report?: (p: Progress) => void) => (report ? (done: number, total: number) => report({ phase: 'score', done, total }) : scoreProgress(context.id));
  return {
    score: async ({ model, query, documents, priority, onProgress }) => {
      const started = performance.now();
      const encoder = await load(model, context.id);
      const loadMs = performance.now() - started;
      const out = await encoder.score(query, documents, { priority, shouldStop: context.isCancelled, onProgress: progress(onProgress) });
      if (out.stopped) throw new Stopped();
      return { scores: out.scores, timings: { loadMs, tokenizeMs: out.tokenizeMs, inferenceMs: out.inferenceMs } };
    },
    scoreMany: ({ model, sets, batchTokens, onProgress }) => scoreSets(model, context, sets, batchTokens, progress(onProgress)),
  };
}

/** The evaluation's scorer: the chosen reranker from the factory, through the score cache in `cacheDir` when given. */
const batchScorer = (reranker: RerankerSpec, cacheDir: string | undefined, context: CallContext): BatchScorer =>
  createBatchScorer(reranker, { worker: () => inThread(context), cache: cacheDir ? new ScoreCache(cacheDir) : undefined });

const handlers: WorkerHandlers<CallContext> = {
  load: async ({ model }, { id }) => {
    const started = performance.now();
    await load(model, id);
    return { loadMs: performance.now() - started };
  },
  score: async ({ model, query, documents, batchTokens, priority, partial }, { id, isCancelled }) => {
    const texts = Array.isArray(documents) ? documents : takeStaged(id, documents.staged);
    const started = performance.now();
    const encoder = await load(model, id);
    const loadMs = performance.now() - started;
    const sender = partial ? partialSender(id) : undefined;
    const out = await encoder.score(query, texts, {
      batchTokens,
      priority,
      shouldStop: isCancelled,
      onProgress: scoreProgress(id),
      onScores: sender?.add,
    });
    // Every score is reported, also those of a stopped call (the score cache keeps them).
    sender?.flush();
    if (out.stopped) throw new Stopped();
    return { scores: out.scores, timings: { loadMs, tokenizeMs: out.tokenizeMs, inferenceMs: out.inferenceMs } };
  },
  scoreMany: ({ model, sets, batchTokens }, context) => scoreSets(model, context, sets, batchTokens),
  evaluate: ({ files, settings, reranker, cacheDir }, context) =>
    runEvaluation(files, settings, {
      scorer: reranker && batchScorer(reranker, cacheDir, context),
      signal: context.signal,
      onProgress: (progress) => post({ type: 'progress', id: context.id, progress }),
    }),
  rerankQuery: ({ files, settings, queryId, reranker, cacheDir }, context) =>
    rerankQuery(files, settings, queryId, batchScorer(reranker, cacheDir, context), {
      signal: context.signal,
      onProgress: (progress) => post({ type: 'progress', id: context.id, progress }),
    }),
};

/** Collects each batch's scores and posts them together: the first ones at once, then every PARTIAL_EVERY_MS. */
function partialSender(id: number): { add: (indices: number[], scores: number[]) => void; flush: () => void } {
  let indices: number[] = [];
  let scores: number[] = [];
  let last = 0;
  const flush = () => {
    last = performance.now();
    if (indices.length) post({ type: 'scores', id, indices, scores });
    indices = [];
    scores = [];
  };
  return {
    add(batchIndices, batchScores) {
      indices.push(...batchIndices);
      scores.push(...batchScores);
      if (last === 0 || performance.now() - last >= PARTIAL_EVERY_MS) flush();
    },
    flush,
  };
}

function takeStaged(id: number, count: number): string[] {
  const pieces = staged.get(id) ?? [];
  staged.delete(id);
  const texts = pieces.flat();
  if (texts.length !== count) throw new Error(`expected ${count} staged documents, got ${texts.length}`);
  return texts;
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'texts') {
    const pieces = staged.get(request.id);
    if (pieces) pieces.push(request.texts);
    else staged.set(request.id, [request.texts]);
    return;
  }
  if (request.type === 'cancel') {
    cancelled.add(request.id);
    staged.delete(request.id);
    aborts.get(request.id)?.abort();
    return;
  }
  queue = queue.then(() => (request.type === 'dispose' ? dispose() : handle(request)));
});

async function dispose(): Promise<void> {
  await loaded?.encoder.dispose();
  loaded = undefined;
  post({ type: 'disposed' });
}

async function handle(call: WorkerCall): Promise<void> {
  const { id } = call;
  try {
    if (cancelled.has(id)) return post({ type: 'cancelled', id });
    const abort = new AbortController();
    aborts.set(id, abort);
    const handler = handlers[call.method] as (params: WorkerCall['params'], context: CallContext) => Promise<unknown>;
    const result = await handler(call.params, { id, isCancelled: () => cancelled.has(id), signal: abort.signal });
    post({ type: 'result', id, result: result as Extract<WorkerResponse, { type: 'result' }>['result'] });
  } catch (err) {
    if (err instanceof Stopped || isCancelled(err)) post({ type: 'cancelled', id });
    else post({ type: 'error', id, ...describe(err) });
  } finally {
    cancelled.delete(id);
    aborts.delete(id);
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

function describe(err: unknown): { code: WorkerErrorCode; message: string; input?: InputErrorDetail } {
  if (isInputError(err)) {
    if (err.code === 'offline' || err.code === 'download-failed' || err.code === 'out-of-memory' || err.code === 'bad-model') {
      return { code: err.code, message: err.message };
    }
    // An input file's mistake (evaluation): keep its code, file and position for "Open File".
    const position = err.position && { line: err.position.line, column: err.position.column };
    return { code: 'bad-input', message: err.message, input: { code: err.code, file: err.file, position } };
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
