/**
 * Turns the child results into the printed table, the PASS/FAIL checks and bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, type as osType, release } from 'node:os';
import { dirname } from 'node:path';
import type { Dtype } from '../src/shared/model-spec';
import {
  BIG_CASE,
  BUDGETS,
  CASES,
  DTYPES,
  NAIVE_CHUNK,
  QUERY,
  RESULTS_FILE,
  SWEEP_CASE,
  median,
  round1,
  type ChildStats,
  type ColdResult,
  type Contender,
  type PrepareResult,
  type SweepPoint,
} from './common';

export interface Timing {
  pairsPerSec: number;
  medianMs: number;
  runsMs: number[];
}

export interface DtypeResults {
  cases: Record<string, Record<Contender, Timing>>;
  sweep: { rawOrt: SweepPoint[]; engine: SweepPoint[] };
  rawBatchTokens: number;
  stats: Record<Contender, ChildStats>;
  cancelAckMs: number[];
  cancelMidBatchMs: number[];
}

export interface AllResults {
  prepare: PrepareResult;
  cold: ColdResult;
  dtypes: Record<Dtype, DtypeResults>;
  /** 1-minute load average sampled during the run. */
  load: { cores: number; mean: number; max: number };
  totalSeconds: number;
}

interface Check {
  name: string;
  value: number;
  limit: number;
  unit: string;
  /** 'min': value must be ≥ limit; 'max': value must be ≤ limit. */
  kind: 'min' | 'max';
  pass: boolean;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const pad = (s: string | number, w: number): string => String(s).padStart(w);

function check(name: string, value: number, kind: 'min' | 'max', limit: number, unit = ''): Check {
  const pass = Number.isFinite(value) && (kind === 'min' ? value >= limit : value <= limit);
  return { name, value: unit ? round1(value) : Math.round(value * 1000) / 1000, limit, unit, kind, pass };
}

export function report(r: AllResults): { text: string; json: unknown; checks: Check[] } {
  const lines: string[] = [];
  const rows = DTYPES.flatMap((dtype) =>
    CASES.map((c) => {
      const t = r.dtypes[dtype].cases[c.name];
      const [engine, rawOrt, naive] = [t?.engine.pairsPerSec ?? NaN, t?.rawOrt.pairsPerSec ?? NaN, t?.naive.pairsPerSec ?? NaN];
      return { name: c.name, dtype, pairs: c.pairs, engine, rawOrt, naive };
    }),
  );

  lines.push(`Rerank Lens benchmark — MiniLM-L6-shaped cross-encoder, query "${QUERY}"`);
  lines.push(`${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} threads, Node ${process.version}; pairs/second, median of runs after one warm-up,`,
    `contenders in separate processes, runs interleaved; 1-min load average during the run: mean ${r.load.mean}, max ${r.load.max} (the benchmark itself ≈ ${r.load.cores})`);
  lines.push('');
  const header = `${'case'.padEnd(14)}${'dtype'.padEnd(6)}${pad('pairs', 6)}${pad('tokens min/med/max', 20)}${pad('engine', 9)}${pad('rawOrt', 9)}${pad('naive', 9)}${pad('eng/raw', 9)}${pad('eng/naive', 11)}`;
  lines.push(header, '-'.repeat(header.length));
  for (const row of rows) {
    const t = r.prepare.tokens[row.name];
    const tokens = t ? `${t.min}/${t.median}/${t.max}` : '-';
    lines.push(
      `${row.name.padEnd(14)}${row.dtype.padEnd(6)}${pad(row.pairs, 6)}${pad(tokens, 20)}${pad(fmt(row.engine), 9)}${pad(fmt(row.rawOrt), 9)}` +
        `${pad(fmt(row.naive), 9)}${pad(fmt(row.engine / row.rawOrt, 2), 9)}${pad(fmt(row.engine / row.naive, 2), 11)}`,
    );
  }
  lines.push('');
  lines.push(`engine: ScoringWorker.score in a worker thread, tokenization included, default batchTokens.`);
  lines.push(`rawOrt: InferenceSession.run on pre-built tensors, length-sorted, batchTokens ${DTYPES.map((d) => `${d}=${r.dtypes[d].rawBatchTokens}`).join(', ')} (best of the sweep below).`);
  lines.push(`naive: AutoTokenizer + AutoModelForSequenceClassification, default session options, one padded batch; ${BIG_CASE} as unsorted padded chunks of ${NAIVE_CHUNK}.`);
  lines.push('');
  lines.push(`Batch token sweep on ${SWEEP_CASE} (pairs/s):`);
  lines.push(`${''.padEnd(24)}${BUDGETS.map((b) => pad(b, 8)).join('')}`);
  for (const dtype of DTYPES) {
    lines.push(`${`rawOrt ${dtype}`.padEnd(24)}${r.dtypes[dtype].sweep.rawOrt.map((s) => pad(fmt(s.pairsPerSec), 8)).join('')}`);
  }
  for (const dtype of DTYPES) {
    lines.push(`${`engine ${dtype} (diagnostic)`.padEnd(24)}${r.dtypes[dtype].sweep.engine.map((s) => pad(fmt(s.pairsPerSec), 8)).join('')}`);
  }

  const eld = r.dtypes.fp32.stats.engine.eventLoopDelay;
  const cancel = r.dtypes.fp32.cancelAckMs;
  const cancelMedian = cancel.length ? median(cancel) : Number.NaN;
  const cold = r.cold.coldStartMs;
  const rss = Object.fromEntries(DTYPES.map((d) => [d, Math.round(r.dtypes[d].stats.engine.maxRssMB)])) as Record<Dtype, number>;
  const peakRss = Math.max(...DTYPES.map((d) => rss[d]));
  lines.push('');
  lines.push(`Event-loop delay while the worker scores ${BIG_CASE} fp32: p50 ${fmt(eld?.p50Ms ?? NaN)} ms, p99 ${fmt(eld?.p99Ms ?? NaN)} ms (worst of the timed runs), max ${fmt(eld?.maxMs ?? NaN)} ms`);
  lines.push(`  (monitorEventLoopDelay resolution 10 ms; its samples include the 10 ms timer interval itself; p99 per run: ${eld?.p99MsPerRun.join(', ') ?? '-'} ms)`);
  lines.push(`Worker cold start (spawn + model load, median of 3): ${DTYPES.map((d) => `${d} ${fmt(cold[d]?.medianMs ?? NaN, 0)} ms`).join(', ')}`);
  lines.push(`Peak RSS of the engine process (main + worker) through ${BIG_CASE}: ${DTYPES.map((d) => `${d} ${rss[d]} MB`).join(', ')}`);
  const midBatch = r.dtypes.fp32.cancelMidBatchMs;
  lines.push(`Cancel acknowledgement on ${BIG_CASE} fp32, abort at the first progress event: median ${fmt(cancelMedian)} ms (runs: ${cancel.join(', ')} ms)`);
  lines.push(`  abort 15–135 ms after it (mid-batch, default batchTokens): median ${fmt(midBatch.length ? median(midBatch) : NaN)} ms, max ${fmt(Math.max(...midBatch))} ms (runs: ${midBatch.join(', ')} ms)`);
  lines.push(`Peak RSS of the baselines: ${DTYPES.map((d) => `rawOrt ${d} ${Math.round(r.dtypes[d].stats.rawOrt.maxRssMB)} MB, naive ${d} ${Math.round(r.dtypes[d].stats.naive.maxRssMB)} MB`).join('; ')}`);

  const checks: Check[] = [];
  for (const dtype of DTYPES) {
    for (const name of [SWEEP_CASE, BIG_CASE]) {
      const row = rows.find((x) => x.dtype === dtype && x.name === name)!;
      checks.push(check(`engine/rawOrt ${name} ${dtype}`, row.engine / row.rawOrt, 'min', 0.9));
    }
  }
  for (const dtype of DTYPES) {
    const row = rows.find((x) => x.dtype === dtype && x.name === SWEEP_CASE)!;
    checks.push(check(`engine/naive ${SWEEP_CASE} ${dtype}`, row.engine / row.naive, 'min', 3));
  }
  checks.push(check('event-loop delay p99', eld?.p99Ms ?? NaN, 'max', 20, 'ms'));
  checks.push(check(`peak RSS on ${BIG_CASE}`, peakRss, 'max', 1024, 'MB'));
  checks.push(check('cancel ack (median)', cancelMedian, 'max', 200, 'ms'));
  lines.push('');
  lines.push('Targets:');
  for (const c of checks) {
    const op = c.kind === 'min' ? '≥' : '≤';
    const value = c.unit ? `${fmt(c.value)} ${c.unit}` : `${fmt(c.value, 3)}×`;
    const limit = c.unit ? `${c.limit} ${c.unit}` : `${c.limit}×`;
    lines.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(34)} ${value.padStart(10)}  (${op} ${limit})`);
  }
  lines.push('');
  lines.push(`${checks.filter((c) => c.pass).length}/${checks.length} targets met; total ${Math.round(r.totalSeconds)} s.`);
  if (r.load.mean > r.load.cores + 0.5) {
    lines.push(`WARNING: the machine was busy with other work (load average mean ${r.load.mean}, max ${r.load.max} on ${r.load.cores} cores):`);
    lines.push('  multi-threaded contenders lose most; timings, event-loop delay and cancel latency are not representative.');
  }

  const json = {
    cases: rows.map((row) => ({
      name: row.name,
      dtype: row.dtype,
      pairs: row.pairs,
      engine: { pairsPerSec: round1(row.engine) },
      rawOrt: { pairsPerSec: round1(row.rawOrt), batchTokens: r.dtypes[row.dtype].rawBatchTokens },
      naive: {
        pairsPerSec: round1(row.naive),
        batching: row.name === BIG_CASE ? `unsorted padded chunks of ${NAIVE_CHUNK}` : 'one padded batch',
      },
      tokens: r.prepare.tokens[row.name],
    })),
    eventLoopDelayP99Ms: eld?.p99Ms ?? null,
    coldStartMs: cold.fp32?.medianMs ?? null,
    peakRssMB: peakRss,
    // Extra detail beyond the fields above.
    coldStartMsByDtype: Object.fromEntries(DTYPES.map((d) => [d, cold[d]?.medianMs ?? null])),
    peakRssMBByDtype: rss,
    cancelAckMs: round1(cancelMedian),
    cancelAckRunsMs: cancel,
    cancelMidBatchRunsMs: r.dtypes.fp32.cancelMidBatchMs,
    eventLoopDelay: eld ?? null,
    rawOrtBatchTokens: Object.fromEntries(DTYPES.map((d) => [d, r.dtypes[d].rawBatchTokens])),
    sweep: Object.fromEntries(DTYPES.map((d) => [d, r.dtypes[d].sweep])),
    runs: Object.fromEntries(DTYPES.map((d) => [d, r.dtypes[d].cases])),
    processPeakRssMB: Object.fromEntries(DTYPES.map((d) => [d, Object.fromEntries(Object.entries(r.dtypes[d].stats).map(([n, s]) => [n, Math.round(s.maxRssMB)]))])),
    targets: checks,
    query: QUERY,
    machine: {
      cpu: cpus()[0]?.model,
      threads: availableParallelism(),
      memoryGB: round1(totalmem() / 2 ** 30),
      os: `${osType()} ${release()}`,
      node: process.version,
      loadAverage1m: r.load,
    },
    date: new Date().toISOString(),
    totalSeconds: Math.round(r.totalSeconds),
  };
  return { text: lines.join('\n'), json, checks };
}

export function writeResults(json: unknown): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(json, null, 2)}\n`);
}
