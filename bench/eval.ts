/**
 * Evaluation throughput: does `rerank-lens eval` score many queries as fast as the single-query engine?
 *
 *   node --import tsx bench/eval.ts [--queries 100] [--docs 100] [--dtype q8] [--reps 3]
 *
 * Needs `npm run build` (dist/worker.js). The MiniLM-shaped model is generated into bench/.models/minilm
 * if missing. Contenders, all on one loaded worker, interleaved one run at a time in rotating order:
 * - perQuery: `ScoringWorker.score` once per query (the rerank command's engine, called per query);
 * - scoreMany: one `ScoringWorker.scoreMany` over every query (what eval uses);
 * - evalPipeline: the eval command's path end to end (read BEIR corpus, queries, qrels and a TREC run
 *   from disk, rerank through scoreMany, compute every metric).
 * Throughput = pairs / median wall time. Target: scoreMany and evalPipeline ≥ 0.9 × perQuery.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEvalData } from '../src/core/eval/inputs';
import { buildCandidates, evaluateData, rerankCandidates } from '../src/core/eval/pipeline';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import type { EvalFiles } from '../src/shared/eval-types';
import { isDtype, type Dtype, type ModelSpec } from '../src/shared/model-spec';
import { makeModel } from '../test/fixtures/make-model.mjs';

const ROOT = resolve(__dirname, '..');
const MODEL_DIR = join(ROOT, 'bench', '.models', 'minilm');
const WORKER_PATH = join(ROOT, 'dist', 'worker.js');
const CONTENDERS = ['perQuery', 'scoreMany', 'evalPipeline'] as const;
type Contender = (typeof CONTENDERS)[number];

export interface EvalBenchOptions {
  queries: number;
  docs: number;
  dtype: Dtype;
  reps: number;
  /** Words per document, drawn uniformly (about 1.3 tokens per word with the MiniLM tokenizer). */
  minWords?: number;
  maxWords?: number;
  log?: (line: string) => void;
}

export interface EvalBenchResult {
  queries: number;
  docs: number;
  pairs: number;
  dtype: Dtype;
  reps: number;
  pairsPerSec: Record<Contender, number>;
  runsMs: Record<Contender, number[]>;
  ratios: { scoreManyVsPerQuery: number; evalPipelineVsPerQuery: number };
  pass: boolean;
  loadAverage1m: { before: number; after: number; cores: number };
}

/** Deterministic PRNG (mulberry32), so every run scores the same text. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'mixtral sparse mixture experts router token layer feedforward parameters inference context size ' +
  'benchmark mathematics code generation multilingual instruct preference optimization license apache ' +
  'memory throughput latency gpu kernel routing gating softmax top two blocks hidden dimension attention ' +
  'window sliding evaluation perplexity passkey retrieval bias fairness bold question answer model'
).split(' ');

function dataset(o: EvalBenchOptions) {
  const rand = prng(42);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const [min, max] = [o.minWords ?? 16, o.maxWords ?? 48];
  const sets = Array.from({ length: o.queries }, (_, q) => ({
    id: `q${q}`,
    query: `${words(4 + (q % 5))}?`,
    docs: Array.from({ length: o.docs }, (_, d) => ({ id: `d${q}-${d}`, text: words(min + Math.floor(rand() * (max - min + 1))) })),
  }));
  return sets;
}

async function writeFiles(dir: string, sets: ReturnType<typeof dataset>): Promise<EvalFiles> {
  const file = (name: string) => ({ path: join(dir, name), name });
  await writeFile(join(dir, 'corpus.jsonl'), sets.flatMap((s) => s.docs.map((d) => JSON.stringify({ _id: d.id, title: '', text: d.text }))).join('\n'));
  await writeFile(join(dir, 'queries.jsonl'), sets.map((s) => JSON.stringify({ _id: s.id, text: s.query })).join('\n'));
  await writeFile(join(dir, 'run.txt'), sets.flatMap((s) => s.docs.map((d, i) => `${s.id} Q0 ${d.id} ${i + 1} ${s.docs.length - i} bench`)).join('\n'));
  await writeFile(join(dir, 'qrels.tsv'), ['query-id\tcorpus-id\tscore', ...sets.map((s) => `${s.id}\t${s.docs[s.docs.length >> 1].id}\t1`)].join('\n'));
  return { corpus: file('corpus.jsonl'), queries: file('queries.jsonl'), qrels: file('qrels.tsv'), runs: [file('run.txt')] };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function runEvalBench(o: EvalBenchOptions): Promise<EvalBenchResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`  ${line}\n`));
  if (!existsSync(WORKER_PATH)) throw new Error('dist/worker.js is missing: run `npm run build` first.');
  if (!existsSync(join(MODEL_DIR, 'onnx', 'model_quantized.onnx'))) await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  const sets = dataset(o);
  const pairs = o.queries * o.docs;
  const dir = await mkdtemp(join(tmpdir(), 'rl-bench-eval-'));
  const spec: ModelSpec = { model: MODEL_DIR, dtype: o.dtype, cacheDir: join(dir, 'cache'), allowRemote: false };
  const worker = new ScoringWorker({ workerPath: WORKER_PATH, idleMs: 60 * 60_000 });
  const loadBefore = loadavg()[0];
  try {
    const files = await writeFiles(dir, sets);
    await worker.load(spec);
    const perQuery = async (some: typeof sets) => {
      for (const s of some) await worker.score({ model: spec, query: s.query, documents: s.docs.map((d) => d.text) });
    };
    const scoreMany = (some: typeof sets) => worker.scoreMany({ model: spec, sets: some.map((s) => ({ query: s.query, documents: s.docs.map((d) => d.text) })) });
    const run: Record<Contender, () => Promise<unknown>> = {
      perQuery: () => perQuery(sets),
      scoreMany: () => scoreMany(sets),
      evalPipeline: async () => {
        const data = await loadEvalData(files);
        const scorer = (batch: { query: string; documents: string[] }[]) => worker.scoreMany({ model: spec, sets: batch });
        const { reranked } = await rerankCandidates(data, buildCandidates(data, o.docs), scorer);
        return evaluateData(data, { k: 10, topN: o.docs }, reranked);
      },
    };
    log(`${o.queries} queries × ${o.docs} documents (${pairs} pairs), ${o.dtype}, ${o.reps} timed runs each; warm-up…`);
    // A small untimed pass: first-call costs (JIT, tokenizer caches) are no contender's to carry.
    await perQuery(sets.slice(0, 5));
    await scoreMany(sets.slice(0, 5));
    const runsMs = Object.fromEntries(CONTENDERS.map((c) => [c, [] as number[]])) as Record<Contender, number[]>;
    for (let rep = 0; rep < o.reps; rep++) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + rep) % CONTENDERS.length]);
      for (const c of order) {
        const t0 = performance.now();
        await run[c]();
        const ms = performance.now() - t0;
        runsMs[c].push(ms);
        log(`rep ${rep + 1} ${c}: ${(ms / 1000).toFixed(1)} s (${((pairs / ms) * 1000).toFixed(0)} pairs/s), load ${loadavg()[0].toFixed(1)}`);
      }
    }
    const pairsPerSec = Object.fromEntries(CONTENDERS.map((c) => [c, Math.round((pairs / median(runsMs[c])) * 10000) / 10])) as Record<Contender, number>;
    const ratio = (c: Contender) => Math.round((pairsPerSec[c] / pairsPerSec.perQuery) * 1000) / 1000;
    const ratios = { scoreManyVsPerQuery: ratio('scoreMany'), evalPipelineVsPerQuery: ratio('evalPipeline') };
    return {
      queries: o.queries,
      docs: o.docs,
      pairs,
      dtype: o.dtype,
      reps: o.reps,
      pairsPerSec,
      runsMs: Object.fromEntries(CONTENDERS.map((c) => [c, runsMs[c].map(Math.round)])) as Record<Contender, number[]>,
      ratios,
      pass: ratios.scoreManyVsPerQuery >= 0.9 && ratios.evalPipelineVsPerQuery >= 0.9,
      loadAverage1m: { before: loadBefore, after: loadavg()[0], cores: availableParallelism() },
    };
  } finally {
    await worker.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatEvalBench(r: EvalBenchResult): string {
  const rows = CONTENDERS.map((c) => `  ${c.padEnd(13)} ${String(r.pairsPerSec[c]).padStart(8)} pairs/s   runs ${r.runsMs[c].map((ms) => (ms / 1000).toFixed(1)).join(', ')} s`);
  return [
    `eval throughput: ${r.queries} queries × ${r.docs} documents, ${r.dtype}, median of ${r.reps}`,
    ...rows,
    `  scoreMany / perQuery    ${r.ratios.scoreManyVsPerQuery.toFixed(3)}  (target ≥ 0.9)`,
    `  evalPipeline / perQuery ${r.ratios.evalPipelineVsPerQuery.toFixed(3)}  (target ≥ 0.9)  ${r.pass ? 'PASS' : 'FAIL'}`,
    `  load average (1 min) ${r.loadAverage1m.before.toFixed(1)} → ${r.loadAverage1m.after.toFixed(1)} on ${r.loadAverage1m.cores} cores`,
  ].join('\n');
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { queries: { type: 'string' }, docs: { type: 'string' }, dtype: { type: 'string' }, reps: { type: 'string' }, json: { type: 'boolean' } },
  });
  const dtype = values.dtype ?? 'q8';
  if (!isDtype(dtype)) throw new Error(`--dtype must be fp32 or q8, got ${dtype}`);
  runEvalBench({ queries: Number(values.queries ?? 100), docs: Number(values.docs ?? 100), dtype, reps: Number(values.reps ?? 3) }).then(
    (r) => process.stdout.write((values.json ? JSON.stringify(r, null, 2) : formatEvalBench(r)) + '\n'),
    (err: unknown) => {
      process.stderr.write(`bench/eval: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
