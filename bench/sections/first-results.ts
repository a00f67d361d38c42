/**
 * Progressive results: time from the rerank's start to its first partial scores (the top fused-rank documents,
 * scored first) on 1,000 and 20,000 documents (target ~1 s, warm worker), against the whole rerank of 1,000,
 * and the caller's event-loop delay while the texts go to the worker in pieces vs in one message vs idle.
 * The measurements are in bench/first-results.ts.
 */
import { target, type Row, type Section } from '../harness/section';
import { prepareModel } from '../prepare';

const section: Section = {
  name: 'first-results',
  title: 'progressive results: time to the first partial scores (1,000 and 20,000 documents) vs the whole rerank; host event-loop delay',
  quick: false,
  async run(ctx) {
    await prepareModel(ctx);
    const { measure } = await import('../first-results');
    // --smoke skips the whole rerank (minutes on a busy machine): it only checks the harness.
    const f = await measure(ctx.reps(3, 5), ctx.smoke ? 0 : ctx.reps(1, 3), ctx.log);
    const delay = (d: { p99Ms: number; maxMs: number }) => `${d.p99Ms} / ${d.maxMs}`;
    const rows: Row[] = f.cases.map((c) => ({
      documents: String(c.documents),
      'text MB': c.megabytes,
      'first ms (warm)': c.firstResultsMs,
      'first ms (cold)': c.coldFirstResultsMs,
      'first batch': String(c.firstBatch),
      'whole rerank ms': c.fullRerankMs ?? '-',
      'whole / first': c.fullRerankMs ? `${(c.fullRerankMs / c.firstResultsMs).toFixed(0)}×` : '-',
      'loop p99/max: pieces': delay(c.staged),
      'one message': delay(c.oneMessage),
      idle: delay(c.idle),
    }));
    return {
      rows,
      notes: [
        'MiniLM-shaped model fp32; scoreLoaded with progressive results from its call to the first partial result, then Cancel; median of the runs (cold: one run with a new worker that loads the model first).',
        'Event-loop delay of the caller\'s thread (10 ms resolution: an idle loop reads ~10), worst run: texts to the worker in pieces (the product) | all in one message (the worker called directly) | doing nothing as long.',
        ...f.cases.map((c) => `${c.documents} documents, one message: first results after ${c.oneMessage.firstResultsMs} ms.`),
      ],
      figures: { ...f },
      targets: f.cases.map((c) => target(`first results, ${c.documents} documents (warm, median)`, c.firstResultsMs, 'max', 1000, 'ms')),
    };
  },
};

export default section;
