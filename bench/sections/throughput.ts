/**
 * Scoring throughput: the engine (ScoringWorker through its worker thread, tokenization included) against raw
 * onnxruntime-node on pre-built tensors at its best batch budget, and naive transformers.js as information,
 * per dtype, each contender in its own process, runs interleaved. Also the engine's event-loop delay and
 * peak RSS, measured on the same runs.
 *
 * Default: 100 pairs (5 runs) and 1,000 pairs (one ~40 s run each: a run is itself the mean of ~200 batches);
 * raw ORT at the best budget of the full sweeps. --full: also the 16-pair
 * seed case, naive on 1,000 pairs, the whole budget sweep (raw ORT and the engine) and more repetitions.
 */
import type { Dtype } from '../../src/shared/model-spec';
import { BIG_CASE, CASES, DTYPES, SEED_CASE, SWEEP_CASE, type ChildRequest, type ChildStats, type Contender, type ContenderInfo } from '../common';
import { interleave, timing, type Timing, type Variant } from '../harness/interleave';
import type { BenchChild } from '../harness/ipc';
import { target, type BenchContext, type Section } from '../harness/section';
import { prepareScoring } from '../prepare';
import { throughputReport, type DtypeResult } from '../throughput-report';

/** --full: raw ORT (and, as a diagnostic, the engine) at each of these budgets on 100x100-300. */
export const FULL_SWEEP = [256, 512, 1024, 2048, 4096];
/**
 * Default: raw ORT only at the best budget of every full sweep so far (2026-11-26, both dtypes: 1024 first,
 * 2048 14 % slower; 4096 ~20 %, 512 and 256 26–49 % slower; a default run that also timed 2048 found it 7 %
 * slower again). --full sweeps them all and takes the best in that run.
 */
export const DEFAULT_RAW_BUDGETS = [1024];

const CONTENDERS: readonly Contender[] = ['engine', 'rawOrt', 'naive'];

interface RunOptions {
  batchTokens?: number;
  /** Sample the engine's event-loop delay during the timed runs. */
  watch?: boolean;
  /** Warm up first (default true). */
  warmUp?: boolean;
}

async function benchDtype(ctx: BenchContext, dtype: Dtype, pairs: Record<string, number>): Promise<DtypeResult> {
  const procs = Object.fromEntries(
    CONTENDERS.map((c) => [c, ctx.spawn<ChildRequest>(`${c} ${dtype}`, 'bench/contender.ts', [c, dtype])]),
  ) as Record<Contender, BenchChild<ChildRequest>>;
  try {
    const info = Object.fromEntries(await Promise.all(CONTENDERS.map(async (c) => [c, (await procs[c].ready) as ContenderInfo])));
    ctx.log(`${dtype} loaded: ${CONTENDERS.map((c) => `${c} ${Math.round(info[c].loadMs)} ms`).join(', ')}`);
    const variant = (key: string, c: Contender, name: string, reps: number, o: RunOptions = {}): Variant => ({
      key,
      reps,
      run: () => procs[c].request<number>({ op: 'run', case: name, batchTokens: o.batchTokens, watchEventLoop: o.watch }),
      // --full: one untimed run of the same case; default: one on the 16-pair case (the median absorbs the rest).
      warmUp: o.warmUp === false ? undefined : () => procs[c].request<number>({ op: 'run', case: ctx.full ? name : SEED_CASE, batchTokens: o.batchTokens, warmUp: true }),
    });
    const timings = (name: string, runs: Record<string, number[]>): Record<string, Timing> =>
      Object.fromEntries(Object.entries(runs).map(([k, ms]) => [k, timing(pairs[name], ms)]));

    // 100 pairs: the engine, raw ORT at each candidate budget, naive.
    const budgets = ctx.full ? FULL_SWEEP : DEFAULT_RAW_BUDGETS;
    const small = timings(
      SWEEP_CASE,
      await interleave([
        variant('engine', 'engine', SWEEP_CASE, ctx.reps(5, 5)),
        ...budgets.map((b) => variant(`rawOrt@${b}`, 'rawOrt', SWEEP_CASE, ctx.reps(5, 5), { batchTokens: b })),
        ...(ctx.full ? FULL_SWEEP.map((b) => variant(`engine@${b}`, 'engine', SWEEP_CASE, ctx.reps(3), { batchTokens: b })) : []),
        variant('naive', 'naive', SWEEP_CASE, ctx.reps(2, 5)),
      ]),
    );
    const rawBudget = budgets.reduce((a, b) => (small[`rawOrt@${b}`].perSec > small[`rawOrt@${a}`].perSec ? b : a));
    ctx.log(`${dtype} ${SWEEP_CASE}: engine ${small.engine.perSec}, rawOrt ${budgets.map((b) => `@${b} ${small[`rawOrt@${b}`].perSec}`).join(' ')}, naive ${small.naive.perSec} pairs/s`);
    const cases: DtypeResult['cases'] = { [SWEEP_CASE]: { engine: small.engine, rawOrt: small[`rawOrt@${rawBudget}`], naive: small.naive } };

    if (ctx.full) {
      const seed = timings(SEED_CASE, await interleave(CONTENDERS.map((c) => variant(c, c, SEED_CASE, ctx.reps(7), { batchTokens: c === 'rawOrt' ? rawBudget : undefined }))));
      cases[SEED_CASE] = { engine: seed.engine, rawOrt: seed.rawOrt, naive: seed.naive };
    }

    // 1,000 pairs: processes are warm by now; the engine's event-loop delay is watched on the fp32 runs.
    const big = timings(
      BIG_CASE,
      await interleave([
        variant('engine', 'engine', BIG_CASE, ctx.reps(1, 3), { warmUp: ctx.full, watch: dtype === 'fp32' }),
        variant('rawOrt', 'rawOrt', BIG_CASE, ctx.reps(1, 3), { batchTokens: rawBudget, warmUp: ctx.full }),
        ...(ctx.full ? [variant('naive', 'naive', BIG_CASE, ctx.reps(3))] : []),
      ]),
    );
    cases[BIG_CASE] = { engine: big.engine, rawOrt: big.rawOrt, naive: big.naive };
    ctx.log(`${dtype} ${BIG_CASE}: ${Object.entries(big).map(([k, t]) => `${k} ${t.perSec}`).join(', ')} pairs/s`);

    const stats = Object.fromEntries(await Promise.all(CONTENDERS.map(async (c) => [c, await procs[c].request<ChildStats>({ op: 'stats' })])));
    const sweep = {
      rawOrt: budgets.map((b) => ({ batchTokens: b, ...small[`rawOrt@${b}`] })),
      engine: ctx.full ? FULL_SWEEP.map((b) => ({ batchTokens: b, ...small[`engine@${b}`] })) : [],
    };
    return { cases, rawBudget, sweep, stats: stats as Record<Contender, ChildStats>, loadMs: Object.fromEntries(CONTENDERS.map((c) => [c, info[c].loadMs])) };
  } finally {
    await Promise.all(CONTENDERS.map((c) => procs[c].close()));
  }
}

const section: Section = {
  name: 'throughput',
  title: 'scoring pairs/s: engine vs raw onnxruntime-node (best budget) vs naive transformers.js; event-loop delay, peak RSS',
  quick: true,
  async run(ctx) {
    const prepared = await prepareScoring(ctx);
    const pairs = Object.fromEntries(CASES.map((c) => [c.name, c.pairs]));
    const results = {} as Record<Dtype, DtypeResult>;
    for (const dtype of DTYPES) results[dtype] = await benchDtype(ctx, dtype, pairs);
    const { DEFAULT_BATCH_TOKENS } = await import('../../src/core/scoring/cross-encoder');
    const report = throughputReport(ctx, results, prepared, DEFAULT_BATCH_TOKENS);
    const targets = [
      ...DTYPES.flatMap((dtype) => [SWEEP_CASE, BIG_CASE].map((name) => target(`engine/rawOrt ${name} ${dtype}`, report.ratio(dtype, name), 'min', 0.95))),
      target(`event-loop delay p99 (${BIG_CASE} fp32)`, report.eventLoopP99Ms, 'max', 20, 'ms'),
      target(`peak RSS of the engine (${BIG_CASE})`, report.peakRssMB, 'max', 1024, 'MB'),
    ];
    return { rows: report.rows, notes: report.notes, figures: report.figures, targets };
  },
};

export default section;
