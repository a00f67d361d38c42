/**
 * Score cache: re-ranking 1,000 already-scored documents end to end (target <= 50 ms).
 *
 *   node --import tsx bench/cache.ts [--reps N]
 *
 * The cache directory is filled to its default bound first: the query under test plus 199 other queries of
 * 1,000 documents each (200k entries, ~10 MB). One run = what a rerank does before it would start the model:
 * a new ScoreCache on the directory, the model's revision (stat of its files, MiniLM-shaped model), sha256 of
 * the 1,000 document texts (600-1,800 characters each), reading and checking the query's shard, 1,000
 * lookups, touching the shard for the LRU. The scorer throws: every score must come from the cache.
 * Reported: median and worst of N runs in this process (the editor's case: a long-lived extension host or
 * worker), and for information the first run in fresh processes (cold JIT and file system; a CLI run pays
 * far more for importing transformers.js anyway).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRevision } from '../src/core/cache/fingerprint';
import { DEFAULT_MAX_ENTRIES, ScoreCache, scoreThroughCache, type ScoreKey } from '../src/core/cache/score-cache';
import { makeModel } from '../test/fixtures/make-model.mjs';
import { MODEL_DIR, QUERY, median, modelSpec, prng, round1 } from './common';

const DOCUMENTS = 1000;
const OTHER_QUERIES = DEFAULT_MAX_ENTRIES / DOCUMENTS - 1;
const FRESH_PROCESSES = 3;
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const REPS = Number(arg('--reps')) || 21;

async function documents(): Promise<string[]> {
  // Imported here only: bench/docs.ts pulls in transformers.js, whose start-up would run inside a fresh
  // process's timed window.
  const { sampleWords } = await import('./docs');
  const words = sampleWords();
  const random = prng(7);
  return Array.from({ length: DOCUMENTS }, (_, i) => {
    const target = 600 + Math.floor(random() * 1200);
    let text = `Chunk ${i}.`;
    while (text.length < target) text += ` ${words[Math.floor(random() * words.length)]}`;
    return text;
  });
}

const keyFor = (revision: string, query: string): ScoreKey => ({ reranker: 'local', model: MODEL_DIR, revision, dtype: 'fp32', maxLength: 512, query });

/** One end-to-end re-rank from the cache; returns its milliseconds. */
async function rerankFromCache(dir: string, docs: string[]): Promise<number> {
  const t0 = performance.now();
  const cache = new ScoreCache(dir, { warn: (m) => { throw new Error(m); } });
  const revision = await modelRevision(modelSpec('fp32'));
  if (!revision) throw new Error(`no model at ${MODEL_DIR}`);
  const { cached } = await scoreThroughCache(cache, keyFor(revision, QUERY), docs, () => {
    throw new Error('a document was not in the cache');
  });
  const ms = performance.now() - t0;
  if (cached !== docs.length) throw new Error(`${cached} of ${docs.length} cached`);
  return ms;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const dir = arg('--child');
    const docs = JSON.parse(await readFile(join(dir, 'documents.json'), 'utf8')) as string[];
    console.log(await rerankFromCache(dir, docs));
    return;
  }
  const docs = await documents();
  if (!existsSync(join(MODEL_DIR, 'onnx', 'model.onnx'))) await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  const revision = await modelRevision(modelSpec('fp32'));
  if (!revision) throw new Error(`no model at ${MODEL_DIR}`);
  const dir = await mkdtemp(join(tmpdir(), 'rl-cache-bench-'));
  try {
    const fill = new ScoreCache(dir);
    const t0 = performance.now();
    for (let q = 0; q < OTHER_QUERIES; q++) {
      await fill.store(keyFor(revision, `${QUERY} #${q}`), docs.map((d) => `${q}:${d.slice(0, 200)}`), docs.map((_, i) => Math.fround(Math.sin(q + i))));
    }
    const scores = docs.map((_, i) => Math.fround(Math.cos(i) * 8));
    await fill.store(keyFor(revision, QUERY), docs, scores);
    const fillMs = performance.now() - t0;
    await writeFile(join(dir, 'documents.json'), JSON.stringify(docs));

    const load = [round1(loadavg()[0])];
    const runs: number[] = [];
    for (let i = 0; i < REPS; i++) runs.push(await rerankFromCache(dir, docs));
    load.push(round1(loadavg()[0]));
    const fresh = Array.from({ length: FRESH_PROCESSES }, () =>
      Number(execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir], { encoding: 'utf8' })),
    );
    load.push(round1(loadavg()[0]));

    const check = await new ScoreCache(dir).lookup(keyFor(revision, QUERY), docs);
    if (check.some((s, i) => !Object.is(s, scores[i]))) throw new Error('a cached score differs from the stored one');

    console.log(`score cache: re-rank ${DOCUMENTS} already-scored documents (cache filled to ${DEFAULT_MAX_ENTRIES} entries in ${Math.round(fillMs)} ms)`);
    console.log(`load average (1 min): ${load.join(' / ')} on ${availableParallelism()} cores`);
    console.log(`  in-process   median ${round1(median(runs))} ms, worst ${round1(Math.max(...runs))} ms, first ${round1(runs[0])} ms (${REPS} runs)`);
    console.log(`  new process  first run ${fresh.map(round1).join(' / ')} ms (median ${round1(median(fresh))} ms)`);
    console.log(`  target: in-process median <= 50 ms: ${median(runs) <= 50 ? 'PASS' : 'FAIL'}; every score identical to the stored float`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
