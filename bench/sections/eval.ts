/**
 * Evaluation throughput: `rerank-lens eval` scores many queries (scoreMany, and the eval pipeline end to end)
 * against the single-query engine called once per query, on one loaded worker, q8. The measurements are in
 * bench/eval.ts.
 */
import { target, type Section } from '../harness/section';
import { prepareModel } from '../prepare';

const section: Section = {
  name: 'eval',
  title: 'eval throughput: scoreMany and the eval pipeline vs the single-query engine per query (q8)',
  quick: false,
  async run(ctx) {
    await prepareModel(ctx);
    const { runEvalBench } = await import('../eval');
    const queries = ctx.smoke ? 10 : ctx.full ? 100 : 40;
    const r = await runEvalBench({ queries, docs: 100, dtype: 'q8', reps: ctx.reps(2, 3), sliceQueries: 10, log: ctx.log });
    const contenders = ['perQuery', 'scoreMany', 'evalPipeline'] as const;
    return {
      rows: contenders.map((c) => ({
        contender: c,
        'pairs/s': r.pairsPerSec[c],
        'vs perQuery': `${(r.pairsPerSec[c] / r.pairsPerSec.perQuery).toFixed(3)}×`,
        'pairs/CPU-s': r.pairsPerCpuSec[c],
        'runs s': r.runsMs[c].map((ms) => (ms / 1000).toFixed(1)).join(', '),
      })),
      notes: [
        `${r.queries} queries × ${r.docs} documents of 16-48 words (${r.pairs} pairs), ${r.dtype}, median of ${r.reps}; contenders take turns every ${r.sliceQueries} queries, in rotating order.`,
        'perQuery: ScoringWorker.score per query; scoreMany: one call over the queries; evalPipeline: BEIR files read, reranked through scoreMany, every metric computed.',
      ],
      figures: { ...r },
      targets: [
        target('scoreMany / perQuery', r.ratios.scoreManyVsPerQuery, 'min', 0.9),
        target('evalPipeline / perQuery', r.ratios.evalPipelineVsPerQuery, 'min', 0.9),
      ],
    };
  },
};

export default section;
