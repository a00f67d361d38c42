/**
 * The throughput section's table, notes and JSON figures, from its per-dtype results.
 */
import type { Dtype } from '../src/shared/model-spec';
import { BIG_CASE, CASES, DTYPES, NAIVE_CHUNK, QUERY, SWEEP_CASE, median, runKey, type ChildStats, type Contender, type PrepareResult } from './common';
import type { Timing } from './harness/interleave';
import { fmt } from './harness/print';
import type { BenchContext, Row } from './harness/section';

type BudgetTiming = Timing & { batchTokens: number };

export interface DtypeResult {
  cases: Record<string, { engine: Timing; rawOrt: Timing; naive?: Timing }>;
  /** Raw ORT's best budget on SWEEP_CASE, used for every case. */
  rawBudget: number;
  sweep: { rawOrt: BudgetTiming[]; engine: BudgetTiming[] };
  stats: Record<Contender, ChildStats>;
  loadMs: Record<string, number>;
}

const ratioText = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-');

export function throughputReport(ctx: BenchContext, r: Record<Dtype, DtypeResult>, prepared: PrepareResult, engineBudget: number) {
  const measured = CASES.filter((c) => r.fp32.cases[c.name]);
  const ratio = (dtype: Dtype, name: string, of: 'rawOrt' | 'naive' = 'rawOrt'): number => {
    const t = r[dtype].cases[name];
    return t?.[of] ? t.engine.perSec / t[of].perSec : Number.NaN;
  };
  // Per pair: CPU time of the run's process (all threads), engine vs raw ORT at its budget.
  const cpuRatio = (dtype: Dtype, name: string): number => {
    const cpu = (c: Contender, batchTokens?: number) => r[dtype].stats[c].cpuMsByRun[runKey(name, batchTokens)];
    const [engine, raw] = [cpu('engine'), cpu('rawOrt', r[dtype].rawBudget)];
    return engine?.length && raw?.length ? median(raw) / median(engine) : Number.NaN;
  };
  const rows: Row[] = DTYPES.flatMap((dtype) =>
    measured.map((c) => {
      const t = r[dtype].cases[c.name];
      const tokens = prepared.tokens[c.name];
      return {
        case: c.name,
        dtype,
        pairs: String(c.pairs),
        'tokens min/med/max': `${tokens.min}/${tokens.median}/${tokens.max}`,
        engine: t.engine.perSec,
        rawOrt: t.rawOrt.perSec,
        naive: t.naive?.perSec ?? '-',
        'eng/raw': ratioText(ratio(dtype, c.name)),
        'eng/naive': ratioText(ratio(dtype, c.name, 'naive')),
        'eng/raw CPU': ratioText(cpuRatio(dtype, c.name)),
      };
    }),
  );

  const reps = (name: string, c: Contender) => r.fp32.cases[name]?.[c]?.runsMs.length ?? 0;
  const eld = r.fp32.stats.engine.eventLoopDelay;
  const rss = Object.fromEntries(DTYPES.map((d) => [d, Math.round(r[d].stats.engine.maxRssMB)])) as Record<Dtype, number>;
  const peakRssMB = Math.max(...DTYPES.map((d) => rss[d]));
  const sweepLine = (label: string, points: BudgetTiming[]) => `  ${label.padEnd(26)}${points.map((p) => `${String(p.batchTokens).padStart(6)} ${fmt(p.perSec).padStart(6)}`).join('  ')}`;
  const notes = [
    `pairs/s at the median run; contenders in separate processes, runs interleaved (rotating order) after a warm-up${ctx.full ? ' on the same case' : ' on the 16-pair case'};`,
    `runs per contender: ${measured.map((c) => `${c.name} engine/rawOrt ${reps(c.name, 'engine')}/${reps(c.name, 'rawOrt')}, naive ${reps(c.name, 'naive') || 'not run'}`).join('; ')}.`,
    `engine: ScoringWorker.score in its worker thread, tokenization and message passing included, default batchTokens ${engineBudget}.`,
    `rawOrt: InferenceSession.run on tensors pre-built from the engine's own encoding, length-sorted, intraOpNumThreads = cores;`,
    `  batchTokens ${DTYPES.map((d) => `${d} ${r[d].rawBudget}`).join(', ')}: the best on ${SWEEP_CASE} of ${r.fp32.sweep.rawOrt.map((p) => p.batchTokens).join(', ')}${ctx.full ? ' (the full sweep)' : ' (the best two of the full sweep; --full sweeps 256…4096)'}.`,
    `naive: AutoTokenizer + AutoModelForSequenceClassification, default session options, one padded batch${ctx.full ? `; ${BIG_CASE} as unsorted padded chunks of ${NAIVE_CHUNK}` : `; not run on ${BIG_CASE} by default (--full: ~50 s a run)`}.`,
    `  Information only: onnxruntime-node 1.30 already uses every core by default, so naive differs from rawOrt by padding, not threads.`,
    `eng/raw CPU: raw ORT's CPU time per run over the engine's (user + system, all threads of each process, medians): the eng/raw`,
    `  ratio if both had the same CPU. When it is near 1 but eng/raw is not, the engine got less of a busy machine, it did not do more work.`,
    '',
    `Batch token budget on ${SWEEP_CASE} (budget pairs/s):`,
    ...DTYPES.map((d) => sweepLine(`rawOrt ${d}`, r[d].sweep.rawOrt)),
    ...(ctx.full ? DTYPES.map((d) => sweepLine(`engine ${d} (diagnostic)`, r[d].sweep.engine)) : []),
    '',
    `Event-loop delay of the engine's main thread while its worker scores ${BIG_CASE} fp32: p50 ${fmt(eld?.p50Ms ?? NaN)} ms, p99 ${fmt(eld?.p99Ms ?? NaN)} ms (worst run), max ${fmt(eld?.maxMs ?? NaN)} ms`,
    `  (monitorEventLoopDelay, resolution 10 ms: an idle loop reads ~10 ms; p99 per run: ${eld?.p99MsPerRun.join(', ') ?? '-'} ms)`,
    `Peak RSS of the engine process (main + worker) through ${measured.map((c) => c.name).join(', ')}: ${DTYPES.map((d) => `${d} ${rss[d]} MB`).join(', ')}; baselines: ${DTYPES.map((d) => `rawOrt ${d} ${Math.round(r[d].stats.rawOrt.maxRssMB)} MB, naive ${d} ${Math.round(r[d].stats.naive.maxRssMB)} MB`).join('; ')}`,
    `Load times: ${DTYPES.map((d) => `${d} ${Object.entries(r[d].loadMs).map(([c, ms]) => `${c} ${Math.round(ms)} ms`).join(', ')}`).join('; ')}`,
  ];

  const figures = {
    query: QUERY,
    cases: DTYPES.flatMap((dtype) =>
      measured.map((c) => {
        const t = r[dtype].cases[c.name];
        const entry = (x: Timing | undefined) => (x ? { pairsPerSec: x.perSec, medianMs: x.medianMs, runsMs: x.runsMs } : null);
        return {
          name: c.name,
          dtype,
          pairs: c.pairs,
          tokens: prepared.tokens[c.name],
          engine: { ...entry(t.engine), batchTokens: engineBudget },
          rawOrt: { ...entry(t.rawOrt), batchTokens: r[dtype].rawBudget },
          naive: t.naive ? { ...entry(t.naive), batching: c.name === BIG_CASE ? `unsorted padded chunks of ${NAIVE_CHUNK}` : 'one padded batch' } : null,
          engineOverRawOrt: round3(ratio(dtype, c.name)),
          engineOverNaive: t.naive ? round3(ratio(dtype, c.name, 'naive')) : null,
          engineOverRawOrtByCpu: round3(cpuRatio(dtype, c.name)),
        };
      }),
    ),
    rawOrtBatchTokens: Object.fromEntries(DTYPES.map((d) => [d, r[d].rawBudget])),
    sweep: Object.fromEntries(DTYPES.map((d) => [d, r[d].sweep])),
    eventLoopDelayP99Ms: eld?.p99Ms ?? null,
    eventLoopDelay: eld ?? null,
    peakRssMB,
    peakRssMBByDtype: rss,
    processPeakRssMB: Object.fromEntries(DTYPES.map((d) => [d, Object.fromEntries(Object.entries(r[d].stats).map(([c, s]) => [c, Math.round(s.maxRssMB)]))])),
    loadMs: Object.fromEntries(DTYPES.map((d) => [d, r[d].loadMs])),
    cpuMsByRun: Object.fromEntries(DTYPES.map((d) => [d, Object.fromEntries(Object.entries(r[d].stats).map(([c, s]) => [c, s.cpuMsByRun]))])),
  };
  return { rows, notes, figures, ratio, eventLoopP99Ms: eld?.p99Ms ?? Number.NaN, peakRssMB };
}

function round3(n: number): number | null {
  return Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null;
}
