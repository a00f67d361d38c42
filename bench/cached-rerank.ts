/**
 * Repeated work is free: re-ranking 1,000 already-scored documents end to end through the product's path
 * (target <= 50 ms), and a cache hit returns the identical score.
 *
 *   node --import tsx bench/cached-rerank.ts [--reps N]
 *
 * The cache directory is first filled to its default bound (the query under test plus 199 other queries of 1,000
 * documents, 200k entries) by a real rerank through the scorer factory with the MiniLM-shaped model in the scoring
 * worker. Then, per run, what "Rerank again" does after the files are read: the scorer factory (a local reranker,
 * the score cache), the pipeline's scoreLoaded — fused order, the cache key (model revision: stat of the model
 * files), sha256 of the texts, reading and checking the shard, the lookups, the LRU touch — and ranking. The worker
 * is never started: its factory throws. Also timed: the same including reading and parsing the 1,000-document
 * results file on this thread (the CLI's path). Median and worst of N runs in this process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRevision } from '../src/core/cache/fingerprint';
import { DEFAULT_MAX_ENTRIES, ScoreCache } from '../src/core/cache/score-cache';
import { loadResults, rerankResults, scoreLoaded } from '../src/core/pipeline';
import { createScorer, type LocalScoring } from '../src/core/rerankers/scorer';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import { makeModel } from '../test/fixtures/make-model.mjs';
import { MODEL_DIR, QUERY, WORKER_PATH, median, modelSpec, prng, round1 } from './common';
import { sampleWords } from './docs';

const DOCUMENTS = 1000;

export interface CachedRerankFigures {
  documents: number;
  cacheEntries: number;
  /** scoreLoaded from the cache: median and worst ms. */
  scoreMs: { median: number; worst: number; runs: number[] };
  /** The same from reading the file on this thread. */
  readAndScoreMs: { median: number; worst: number };
  /** Scoring the 1,000 documents in the worker the first time (fills the cache for the query under test). */
  firstScoreMs: number;
  identical: boolean;
  load: number[];
  cores: number;
}

function documents(): { id: number; text: string }[] {
  const words = sampleWords();
  const random = prng(7);
  return Array.from({ length: DOCUMENTS }, (_, i) => {
    const target = 600 + Math.floor(random() * 1200);
    let text = `Chunk ${i}.`;
    while (text.length < target) text += ` ${words[Math.floor(random() * words.length)]}`;
    return { id: i, text };
  });
}

const noWorker = (): LocalScoring => {
  throw new Error('the scoring worker was started: a score was missing from the cache');
};

export async function measure(reps = 21, log: (line: string) => void = () => undefined): Promise<CachedRerankFigures> {
  await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  const dir = await mkdtemp(join(tmpdir(), 'rl-cached-rerank-'));
  const worker = new ScoringWorker({ workerPath: WORKER_PATH });
  try {
    const docs = documents();
    const file = { path: join(dir, 'results.json'), name: 'results.json' };
    await writeFile(file.path, JSON.stringify(docs));
    const cache = new ScoreCache(join(dir, 'scores'), { warn: (m) => { throw new Error(m); } });
    const spec = { kind: 'local' as const, model: modelSpec('fp32') };
    const loaded = await loadResults([file], { onFileError: 'fail' });

    // The real thing once: the worker scores the query under test and the cache keeps it.
    const t0 = performance.now();
    const first = await scoreLoaded(loaded, { query: QUERY, scorer: createScorer(spec, { worker: () => worker, cache }) });
    const firstScoreMs = performance.now() - t0;
    log(`scored ${DOCUMENTS} documents in the worker in ${Math.round(firstScoreMs)} ms`);
    // The rest of the bound: 199 other queries' shards, so the lookup reads a full cache directory.
    const rev = (await modelRevision(spec.model))!;
    for (let q = 1; q < DEFAULT_MAX_ENTRIES / DOCUMENTS; q++) {
      const key = { reranker: 'local', model: MODEL_DIR, revision: rev, dtype: 'fp32', maxLength: 512, query: `${QUERY} #${q}` };
      await cache.store(key, docs.map((d) => `${q}:${d.text.slice(0, 200)}`), docs.map((_, i) => Math.fround(Math.sin(q + i))));
    }

    const load = [round1(loadavg()[0])];
    const runs: number[] = [];
    let identical = true;
    for (let i = 0; i < reps; i++) {
      const start = performance.now();
      const scorer = createScorer(spec, { worker: noWorker, cache: new ScoreCache(join(dir, 'scores')) });
      const run = await scoreLoaded(loaded, { query: QUERY, scorer });
      runs.push(performance.now() - start);
      if (run.cache?.hits !== DOCUMENTS) throw new Error(`${run.cache?.hits} of ${DOCUMENTS} from the cache`);
      identical &&= run.ranked.every((d, r) => Object.is(d.score, first.ranked[r].score) && d.id === first.ranked[r].id);
    }
    const withRead: number[] = [];
    for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++) {
      const start = performance.now();
      await rerankResults([file], { onFileError: 'fail', query: QUERY, scorer: createScorer(spec, { worker: noWorker, cache: new ScoreCache(join(dir, 'scores')) }) });
      withRead.push(performance.now() - start);
    }
    load.push(round1(loadavg()[0]));
    return {
      documents: DOCUMENTS,
      cacheEntries: DEFAULT_MAX_ENTRIES,
      scoreMs: { median: round1(median(runs)), worst: round1(Math.max(...runs)), runs: runs.map(round1) },
      readAndScoreMs: { median: round1(median(withRead)), worst: round1(Math.max(...withRead)) },
      firstScoreMs: round1(firstScoreMs),
      identical,
      load,
      cores: availableParallelism(),
    };
  } finally {
    await worker.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

export function format(f: CachedRerankFigures): string {
  return [
    `cached re-rank: ${f.documents} already-scored documents, cache filled to ${f.cacheEntries} entries (load average ${f.load.join(' → ')} on ${f.cores} cores)`,
    `  scorer factory + score cache + pipeline (fused order, cache key, lookups, ranking): median ${f.scoreMs.median} ms, worst ${f.scoreMs.worst} ms`,
    `  the same from reading and parsing the results file on this thread: median ${f.readAndScoreMs.median} ms, worst ${f.readAndScoreMs.worst} ms`,
    `  (the first rerank, scored by the worker: ${f.firstScoreMs} ms)`,
    `  target: median <= 50 ms: ${f.scoreMs.median <= 50 ? 'PASS' : 'FAIL'}; every cached score identical to the scored one: ${f.identical ? 'yes' : 'NO'}`,
  ].join('\n');
}

if (require.main === module) {
  const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 21;
  measure(reps, (line) => process.stderr.write(`  ${line}\n`)).then(
    (f) => process.stdout.write(`${format(f)}\n`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exitCode = 1;
    },
  );
}
