/**
 * The score cache section's measurements (bench/sections/cache.ts): re-ranking 1,000 already-scored documents
 * end to end, against scoring them.
 *
 * The cache directory is filled to its default bound first: the query under test by a real rerank through the
 * scorer factory with the MiniLM-shaped model in a warm scoring worker (timed: the baseline), plus 199 other
 * queries' shards of 1,000 documents (200k entries). Then, interleaved, in this process (the editor's case: a
 * long-lived extension host):
 * - pipeline: what "Rerank again" does after the files are read: the scorer factory (local reranker, score cache),
 *   scoreLoaded (fused order, the cache key with the model revision from a stat of its files, sha256 of the texts,
 *   reading and checking the shard, the lookups, the LRU touch) and ranking. The worker's factory throws.
 * - cache alone: new ScoreCache, cacheKey, scoreThroughCache with a scorer that throws.
 * Also: the pipeline including reading and parsing the results file on this thread (the CLI's path), and the
 * cache alone as the first run of fresh processes (cold JIT and file system; `fresh <dir>` below).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_ENTRIES, ScoreCache, scoreThroughCache } from '../src/core/cache/score-cache';
import { loadResults, rerankResults, scoreLoaded } from '../src/core/pipeline';
import { cacheKey } from '../src/core/rerankers/cached-scorer';
import { createScorer, type LocalScoring } from '../src/core/rerankers/scorer';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import type { LocalReranker } from '../src/core/rerankers/reranker';
import { QUERY, WORKER_PATH, modelSpec, prng } from './common';
import { interleave } from './harness/interleave';
import { replyOnce } from './harness/ipc';

export const DOCUMENTS = 1000;
const SPEC: LocalReranker = { kind: 'local', model: modelSpec('fp32') };

export interface CacheRuns {
  /** Scoring the 1,000 documents in a warm worker, through the pipeline (fills the cache): one run. */
  scoreMs: number;
  pipelineMs: number[];
  cacheAloneMs: number[];
  readAndPipelineMs: number[];
  freshProcessMs: number[];
  /** Cache hits (pipeline and cache alone) checked against the worker's score of the same document: how many, and how many were the very same float. */
  hits: number;
  identicalHits: number;
}

async function documents(): Promise<{ id: number; text: string }[]> {
  // Imported here only: bench/docs.ts pulls in transformers.js.
  const { sampleWords } = await import('./docs');
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

/** The cache alone, from a cold ScoreCache; returns the scores and the milliseconds. */
async function fromCacheAlone(dir: string, texts: string[]): Promise<{ ms: number; scores: number[] }> {
  const t0 = performance.now();
  const found = await cacheKey(SPEC, QUERY);
  if (!('key' in found)) throw new Error(`no cache key: ${found.reason}`);
  const { scores, cached } = await scoreThroughCache(new ScoreCache(dir), found.key, texts, () => {
    throw new Error('a document was not in the cache');
  });
  const ms = performance.now() - t0;
  if (cached !== texts.length) throw new Error(`${cached} of ${texts.length} cached`);
  return { ms, scores };
}

export async function measureCache(o: { reps: number; fresh: number; spawnFresh: (dir: string) => Promise<number>; log: (line: string) => void }): Promise<CacheRuns> {
  const dir = await mkdtemp(join(tmpdir(), 'rl-cache-bench-'));
  const scores = join(dir, 'scores');
  const worker = new ScoringWorker({ workerPath: WORKER_PATH, idleMs: 60 * 60_000 });
  try {
    const docs = await documents();
    const texts = docs.map((d) => d.text);
    const file = { path: join(dir, 'results.json'), name: 'results.json' };
    await writeFile(file.path, JSON.stringify(docs));
    await writeFile(join(dir, 'texts.json'), JSON.stringify(texts));
    const loaded = await loadResults([file], { onFileError: 'fail' });
    await worker.load(SPEC.model);

    const t0 = performance.now();
    const cache = new ScoreCache(scores, { warn: (m) => { throw new Error(m); } });
    const first = await scoreLoaded(loaded, { query: QUERY, scorer: createScorer(SPEC, { worker: () => worker, cache }) });
    const scoreMs = performance.now() - t0;
    o.log(`scored ${DOCUMENTS} documents in the warm worker in ${Math.round(scoreMs)} ms`);
    const found = await cacheKey(SPEC, QUERY);
    if (!('key' in found)) throw new Error(`no cache key: ${found.reason}`);
    for (let q = 1; q < DEFAULT_MAX_ENTRIES / DOCUMENTS; q++) {
      await cache.store({ ...found.key, query: `${QUERY} #${q}` }, texts.map((t) => `${q}:${t.slice(0, 200)}`), texts.map((_, i) => Math.fround(Math.sin(q + i))));
    }
    const byId = new Map(first.ranked.map((d) => [d.id, d.score]));
    let [hits, identicalHits] = [0, 0];
    const check = (got: number, scored: number | undefined) => {
      hits++;
      if (Object.is(got, scored)) identicalHits++;
    };
    const pipeline = async (): Promise<number> => {
      const start = performance.now();
      const run = await scoreLoaded(loaded, { query: QUERY, scorer: createScorer(SPEC, { worker: noWorker, cache: new ScoreCache(scores) }) });
      const ms = performance.now() - start;
      if (run.cache?.hits !== DOCUMENTS) throw new Error(`${run.cache?.hits} of ${DOCUMENTS} from the cache`);
      for (const d of run.ranked) check(d.score, byId.get(d.id));
      return ms;
    };
    const alone = async (): Promise<number> => {
      const { ms, scores: got } = await fromCacheAlone(scores, texts);
      docs.forEach((d, i) => check(got[i], byId.get(d.id)));
      return ms;
    };
    const readAndPipeline = async (): Promise<number> => {
      const start = performance.now();
      await rerankResults([file], { onFileError: 'fail', query: QUERY, scorer: createScorer(SPEC, { worker: noWorker, cache: new ScoreCache(scores) }) });
      return performance.now() - start;
    };
    const runs = await interleave([
      { key: 'pipeline', reps: o.reps, run: pipeline },
      { key: 'cacheAlone', reps: o.reps, run: alone },
      { key: 'readAndPipeline', reps: Math.max(1, Math.ceil(o.reps / 3)), run: readAndPipeline },
    ]);
    const freshProcessMs: number[] = [];
    for (let i = 0; i < o.fresh; i++) freshProcessMs.push(await o.spawnFresh(dir));
    return { scoreMs, pipelineMs: runs.pipeline, cacheAloneMs: runs.cacheAlone, readAndPipelineMs: runs.readAndPipeline, freshProcessMs, hits, identicalHits };
  } finally {
    await worker.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

// node --import tsx bench/cache.ts fresh <dir>: the cache alone, once, in a new process (replies its ms).
if (require.main === module && process.argv[2] === 'fresh') {
  const dir = process.argv[3];
  replyOnce(async () => (await fromCacheAlone(join(dir, 'scores'), JSON.parse(await readFile(join(dir, 'texts.json'), 'utf8')) as string[])).ms);
}
