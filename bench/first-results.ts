/**
 * The first-results section's measurements (bench/sections/first-results.ts). Progressive results: how soon the
 * first scores of a big rerank are there, against the whole rerank, and what handing the texts to the scoring
 * worker costs the caller's thread (the extension host's).
 *
 * MiniLM-shaped model (fp32), scoring worker already started with the model loaded (a second rerank in a session);
 * the first rerank of a session also pays the worker's start and the model load: timed once per case as "cold".
 * Cases: 1,000 documents of 600-1,800 characters, and 20,000 of ~2.6 KB (50 MB of text), from the sample's words.
 * One run: the pipeline's scoreLoaded (fused order, the scorer factory's local reranker, progressive results) from
 * its call to the first partial result (the top fused-rank documents, scored first), then Cancel.
 * This thread's event-loop delay (monitorEventLoopDelay, 10 ms resolution: an idle loop reads ~10) over that window
 * is compared with the old hand-over, all texts in the call's one message (the worker method called directly),
 * and with doing nothing for as long. Medians of N runs; delays are the worst run's. The baseline: the whole rerank
 * (scoreLoaded to its last score, warm worker), timed on the 1,000-document case (20,000 would take minutes).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CancelledError } from '../src/core/errors';
import { loadResults, scoreLoaded, PRIORITY_DOCUMENTS, type LoadedResults } from '../src/core/pipeline';
import { createScorer } from '../src/core/rerankers/scorer';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import { QUERY, WORKER_PATH, median, modelSpec, prng, round1 } from './common';
import { sampleWords } from './docs';

interface Delay {
  p99Ms: number;
  maxMs: number;
}

export interface CaseFigures {
  documents: number;
  megabytes: number;
  /** From scoreLoaded's call to the first partial result, worker warm: median ms. */
  firstResultsMs: number;
  firstResultsRunsMs: number[];
  /** The same with a new worker that loads the model first (one run). */
  coldFirstResultsMs: number;
  /** Documents in the first partial result. */
  firstBatch: number;
  /** The whole rerank (to the last score), worker warm: median ms; undefined when not timed for this case. */
  fullRerankMs?: number;
  /** This thread's event-loop delay while the texts go to the worker in pieces (the product). */
  staged: Delay;
  /** ... and with every text in the call's one message (before). */
  oneMessage: Delay & { firstResultsMs: number };
  idle: Delay;
}

export interface FirstResultsFigures {
  cases: CaseFigures[];
  load: number[];
  cores: number;
}

function texts(count: number, minChars: number, maxChars: number, seed: number): { id: number; text: string }[] {
  const words = sampleWords();
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const target = minChars + Math.floor(random() * (maxChars - minChars));
    const parts = [`Chunk ${i}.`];
    let length = parts[0].length;
    while (length < target) {
      const w = words[Math.floor(random() * words.length)];
      parts.push(w);
      length += w.length + 1;
    }
    return { id: i, text: parts.join(' ') };
  });
}

/** Runs `work` (which resolves when the first results are there) with a fresh event-loop delay histogram. */
async function watched(work: () => Promise<number>): Promise<Delay & { ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await new Promise((r) => setTimeout(r, 30));
  const ms = await work();
  await new Promise((r) => setTimeout(r, 30)); // a block right before disable() is only recorded by the next timer
  histogram.disable();
  return { ms, p99Ms: round1(histogram.percentile(99) / 1e6), maxMs: round1(histogram.max / 1e6) };
}

/** The product's path: scoreLoaded with progressive results; ms to the first partial result, then Cancel. */
async function pipelineFirst(worker: ScoringWorker, loaded: LoadedResults): Promise<{ ms: number; batch: number }> {
  const abort = new AbortController();
  const scorer = createScorer({ kind: 'local', model: modelSpec('fp32') }, { worker: () => worker });
  const t0 = performance.now();
  let first: { ms: number; batch: number } | undefined;
  const running = scoreLoaded(loaded, {
    query: QUERY,
    scorer,
    signal: abort.signal,
    onPartial: (p) => {
      if (first) return;
      first = { ms: performance.now() - t0, batch: p.ranked.length };
      abort.abort();
    },
  });
  await running.then(
    () => undefined,
    (err: unknown) => {
      if (!(err instanceof CancelledError)) throw err;
    },
  );
  if (!first) throw new Error('no partial result before the end');
  return first;
}

/** The whole rerank: scoreLoaded to its last score; ms. */
async function pipelineFull(worker: ScoringWorker, loaded: LoadedResults): Promise<number> {
  const scorer = createScorer({ kind: 'local', model: modelSpec('fp32') }, { worker: () => worker });
  const t0 = performance.now();
  const run = await scoreLoaded(loaded, { query: QUERY, scorer });
  if (run.ranked.length !== loaded.merged.documents.length) throw new Error(`scored ${run.ranked.length} of ${loaded.merged.documents.length}`);
  return performance.now() - t0;
}

/** Before: every text in the call's own message (the worker method called directly, no pieces). */
async function oneMessageFirst(worker: ScoringWorker, documents: string[]): Promise<number> {
  const abort = new AbortController();
  const t0 = performance.now();
  let ms = 0;
  await worker
    .call('score', { model: modelSpec('fp32'), query: QUERY, documents, priority: PRIORITY_DOCUMENTS, partial: true }, {
      signal: abort.signal,
      onScores: () => {
        if (ms) return;
        ms = performance.now() - t0;
        abort.abort();
      },
    })
    .catch((err: unknown) => {
      if (!(err instanceof CancelledError)) throw err;
    });
  return ms;
}

async function measureCase(dir: string, docs: { id: number; text: string }[], reps: number, fullReps: number, log: (line: string) => void): Promise<CaseFigures> {
  const path = join(dir, `results-${docs.length}.json`);
  await writeFile(path, JSON.stringify(docs));
  const loaded = await loadResults([{ path, name: 'results.json' }], { onFileError: 'fail' });
  const megabytes = round1(docs.reduce((n, d) => n + d.text.length, 0) / 1e6);

  const cold = new ScoringWorker({ workerPath: WORKER_PATH });
  const coldFirst = await pipelineFirst(cold, loaded);
  await cold.dispose();
  log(`${docs.length} documents (${megabytes} MB): cold first results ${Math.round(coldFirst.ms)} ms`);

  const worker = new ScoringWorker({ workerPath: WORKER_PATH, idleMs: 60 * 60_000 });
  try {
    await worker.load(modelSpec('fp32'));
    await pipelineFirst(worker, loaded); // warm-up
    const staged: (Delay & { ms: number; batch: number })[] = [];
    const single: (Delay & { ms: number })[] = [];
    const idle: (Delay & { ms: number })[] = [];
    const all = loaded.merged.documents.map((d) => d.text);
    for (let r = 0; r < reps; r++) {
      let batch = 0;
      staged.push({ ...(await watched(async () => { const f = await pipelineFirst(worker, loaded); batch = f.batch; return f.ms; })), batch });
      single.push(await watched(() => oneMessageFirst(worker, all)));
      const wait = staged[staged.length - 1].ms;
      idle.push(await watched(async () => (await new Promise((res) => setTimeout(res, wait)), wait)));
      log(`  run ${r + 1}: first results ${Math.round(staged[r].ms)} ms (p99 ${staged[r].p99Ms} ms); one message ${Math.round(single[r].ms)} ms (p99 ${single[r].p99Ms} ms)`);
    }
    const full: number[] = [];
    for (let r = 0; r < fullReps; r++) full.push(await pipelineFull(worker, loaded));
    if (full.length) log(`  whole rerank: ${full.map(Math.round).join(', ')} ms`);
    const worst = (runs: Delay[]): Delay => ({ p99Ms: Math.max(...runs.map((x) => x.p99Ms)), maxMs: Math.max(...runs.map((x) => x.maxMs)) });
    return {
      documents: docs.length,
      megabytes,
      firstResultsMs: round1(median(staged.map((s) => s.ms))),
      firstResultsRunsMs: staged.map((s) => round1(s.ms)),
      coldFirstResultsMs: round1(coldFirst.ms),
      firstBatch: staged[0].batch,
      ...(full.length ? { fullRerankMs: round1(median(full)) } : {}),
      staged: worst(staged),
      oneMessage: { ...worst(single), firstResultsMs: round1(median(single.map((s) => s.ms))) },
      idle: worst(idle),
    };
  } finally {
    await worker.dispose();
  }
}

/** Cases: 1,000 documents (also the whole rerank, `fullReps` times) and 20,000 (50 MB of text). */
export async function measure(reps: number, fullReps: number, log: (line: string) => void): Promise<FirstResultsFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'rl-first-results-'));
  const load = [round1(loadavg()[0])];
  try {
    const cases = [
      await measureCase(dir, texts(1_000, 600, 1800, 7), reps, fullReps, log),
      await measureCase(dir, texts(20_000, 2400, 2840, 11), reps, 0, log),
    ];
    load.push(round1(loadavg()[0]));
    return { cases, load, cores: availableParallelism() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
