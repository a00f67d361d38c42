/**
 * Worker cold start: a new ScoringWorker spawned and the model loaded (what the first "Rerank" pays), per dtype,
 * in a process of its own.
 */
import { DTYPES, type ColdResult } from '../common';
import type { Section } from '../harness/section';
import { prepareScoring } from '../prepare';

const section: Section = {
  name: 'cold-start',
  title: 'worker cold start: spawn + model load, per dtype',
  quick: true,
  async run(ctx) {
    await prepareScoring(ctx);
    const runs = ctx.reps(3, 5);
    const { coldStartMs } = await ctx.spawn('cold', 'bench/contender.ts', ['cold', String(runs)]).result<ColdResult>();
    return {
      rows: DTYPES.map((d) => ({ dtype: d, 'median ms': coldStartMs[d].medianMs, 'runs ms': coldStartMs[d].runsMs.map(Math.round).join(', ') })),
      notes: [`ScoringWorker.load on a new worker (dist/worker.js), ${runs} times per dtype, one after the other; median.`],
      figures: { coldStartMs: coldStartMs.fp32.medianMs, coldStartMsByDtype: Object.fromEntries(DTYPES.map((d) => [d, coldStartMs[d].medianMs])), runsMs: coldStartMs },
    };
  },
};

export default section;
