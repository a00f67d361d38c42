/**
 * The eval section's measurements (bench/sections/eval.ts). Evaluation throughput: does `rerank-lens eval` score
 * many queries as fast as the single-query engine?
 *
 * Needs dist/worker.js and the MiniLM-shaped model (the section prepares both). Contenders, all on one loaded
 * worker, interleaved one run at a time in rotating order:
 * - perQuery: `ScoringWorker.score` once per query (the rerank command's engine, called per query);
 * - scoreMany: `ScoringWorker.scoreMany` over the queries (what eval uses);
 * - evalPipeline: the eval command's path end to end (read BEIR corpus, queries, qrels and a TREC run
 *   from disk, rerank through scoreMany, compute every metric).
 * The machine may be shared: the queries are cut into slices (10 queries each by default) and the
 * contenders take turns slice by slice in rotating order, so other load falls on all of them alike; a
 * repetition is every contender over all the queries. Throughput = pairs / median wall time (and per CPU
 * second). The section's target: scoreMany and evalPipeline ≥ 0.9 × perQuery.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalData } from '../src/core/eval/inputs';
import { buildCandidates, evaluateData, rerankCandidates } from '../src/core/eval/pipeline';
import { ScoringWorker } from '../src/core/scoring/worker-client';
import type { EvalFiles } from '../src/shared/eval-types';
import type { Dtype, ModelSpec } from '../src/shared/model-spec';
import { MODEL_DIR, WORKER_PATH, median, prng } from './common';

const CONTENDERS = ['perQuery', 'scoreMany', 'evalPipeline'] as const;
type Contender = (typeof CONTENDERS)[number];

export interface EvalBenchOptions {
  queries: number;
  docs: number;
  dtype: Dtype;
  reps: number;
  /** Queries per slice: contenders alternate slice by slice (default 10). */
  sliceQueries?: number;
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
  sliceQueries: number;
  pairsPerSec: Record<Contender, number>;
  runsMs: Record<Contender, number[]>;
  /**
   * Pairs per CPU second of this process (main thread, worker, ONNX Runtime's threads): less sensitive to
   * other load than wall time, though spin-waiting threads inflate it on an oversubscribed machine.
   */
  pairsPerCpuSec: Record<Contender, number>;
  ratios: { scoreManyVsPerQuery: number; evalPipelineVsPerQuery: number };
  loadAverage1m: { before: number; after: number; cores: number };
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

export async function runEvalBench(o: EvalBenchOptions): Promise<EvalBenchResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`  ${line}\n`));
  const sets = dataset(o);
  const pairs = o.queries * o.docs;
  const sliceSize = Math.max(1, Math.min(o.queries, o.sliceQueries ?? 10));
  const dir = await mkdtemp(join(tmpdir(), 'rl-bench-eval-'));
  const spec: ModelSpec = { model: MODEL_DIR, dtype: o.dtype, cacheDir: join(dir, 'cache'), allowRemote: false };
  const worker = new ScoringWorker({ workerPath: WORKER_PATH, idleMs: 60 * 60_000 });
  const loadBefore = loadavg()[0];
  try {
    // One set of files per slice: the eval pipeline reads, reranks and evaluates a slice at a time.
    const slices = Array.from({ length: Math.ceil(sets.length / sliceSize) }, (_, i) => sets.slice(i * sliceSize, (i + 1) * sliceSize));
    const files = await Promise.all(
      slices.map(async (slice, i) => {
        const sub = join(dir, `slice-${i}`);
        await mkdir(sub);
        return writeFiles(sub, slice);
      }),
    );
    await worker.load(spec);
    const texts = (s: (typeof sets)[number]) => ({ query: s.query, documents: s.docs.map((d) => d.text) });
    const run: Record<Contender, (slice: number) => Promise<unknown>> = {
      perQuery: async (i) => {
        for (const s of slices[i]) await worker.score({ model: spec, ...texts(s) });
      },
      scoreMany: (i) => worker.scoreMany({ model: spec, sets: slices[i].map(texts) }),
      evalPipeline: async (i) => {
        const data = await loadEvalData(files[i]);
        const scorer = (batch: { query: string; documents: string[] }[]) => worker.scoreMany({ model: spec, sets: batch });
        const { reranked } = await rerankCandidates(data, buildCandidates(data, o.docs), scorer);
        return evaluateData(data, { k: 10, topN: o.docs }, reranked);
      },
    };
    log(`${o.queries} queries × ${o.docs} documents (${pairs} pairs) in slices of ${sliceSize} queries, ${o.dtype}, ${o.reps} timed runs each; warm-up…`);
    // An untimed pass on the first slice: first-call costs (JIT, tokenizer caches) are no contender's to carry.
    for (const c of CONTENDERS) await run[c](0);
    const runsMs = Object.fromEntries(CONTENDERS.map((c) => [c, [] as number[]])) as Record<Contender, number[]>;
    const cpuMs = Object.fromEntries(CONTENDERS.map((c) => [c, [] as number[]])) as Record<Contender, number[]>;
    for (let rep = 0; rep < o.reps; rep++) {
      const wall = Object.fromEntries(CONTENDERS.map((c) => [c, 0])) as Record<Contender, number>;
      const cpu = Object.fromEntries(CONTENDERS.map((c) => [c, 0])) as Record<Contender, number>;
      // Contenders take turns slice by slice, in rotating order, so load from elsewhere falls on all alike.
      for (let i = 0; i < slices.length; i++) {
        for (let j = 0; j < CONTENDERS.length; j++) {
          const c = CONTENDERS[(i + j + rep) % CONTENDERS.length];
          const t0 = performance.now();
          const cpu0 = process.cpuUsage();
          await run[c](i);
          wall[c] += performance.now() - t0;
          const used = process.cpuUsage(cpu0);
          cpu[c] += (used.user + used.system) / 1000;
        }
      }
      for (const c of CONTENDERS) {
        runsMs[c].push(wall[c]);
        cpuMs[c].push(cpu[c]);
        log(`rep ${rep + 1} ${c}: ${(wall[c] / 1000).toFixed(1)} s (${((pairs / wall[c]) * 1000).toFixed(1)} pairs/s, CPU ${(cpu[c] / 1000).toFixed(0)} s)`);
      }
      log(`load average ${loadavg()[0].toFixed(1)}`);
    }
    const pairsPerSec = Object.fromEntries(CONTENDERS.map((c) => [c, Math.round((pairs / median(runsMs[c])) * 10000) / 10])) as Record<Contender, number>;
    const pairsPerCpuSec = Object.fromEntries(CONTENDERS.map((c) => [c, Math.round((pairs / median(cpuMs[c])) * 10000) / 10])) as Record<Contender, number>;
    const ratio = (c: Contender) => Math.round((pairsPerSec[c] / pairsPerSec.perQuery) * 1000) / 1000;
    const ratios = { scoreManyVsPerQuery: ratio('scoreMany'), evalPipelineVsPerQuery: ratio('evalPipeline') };
    return {
      queries: o.queries,
      docs: o.docs,
      pairs,
      dtype: o.dtype,
      reps: o.reps,
      sliceQueries: sliceSize,
      pairsPerSec,
      pairsPerCpuSec,
      runsMs: Object.fromEntries(CONTENDERS.map((c) => [c, runsMs[c].map(Math.round)])) as Record<Contender, number[]>,
      ratios,
      loadAverage1m: { before: loadBefore, after: loadavg()[0], cores: availableParallelism() },
    };
  } finally {
    await worker.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
