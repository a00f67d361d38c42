/**
 * Cancel latency: the engine scores 1,000 pairs (fp32) and is aborted; how long until score() rejects with
 * CancelledError. Cancellation is cooperative between micro-batches, so an abort that lands mid-batch waits
 * for that batch (the slow case).
 */
import { BIG_CASE, round1, type ChildRequest } from '../common';
import { median } from '../harness/interleave';
import { fmt } from '../harness/print';
import { target, type Section } from '../harness/section';
import { prepareScoring } from '../prepare';

/** Extra aborts this long after the first progress event: most land mid-batch. */
const MID_BATCH_DELAYS_MS = [15, 45, 75, 105, 135];

const section: Section = {
  name: 'cancel',
  title: `cancel latency: abort while the engine scores ${BIG_CASE} fp32`,
  quick: true,
  async run(ctx) {
    await prepareScoring(ctx);
    const engine = ctx.spawn<ChildRequest>('engine fp32', 'bench/contender.ts', ['engine', 'fp32']);
    try {
      await engine.ready;
      const cancel = (delayMs: number) => engine.request<number>({ op: 'cancel', case: BIG_CASE, delayMs }).then(round1);
      const ackMs: number[] = [];
      for (let i = 0; i < ctx.reps(5); i++) ackMs.push(await cancel(0));
      const delays = ctx.full ? MID_BATCH_DELAYS_MS : ctx.smoke ? [75] : [15, 75, 135];
      const midBatchMs: number[] = [];
      for (const d of delays) midBatchMs.push(await cancel(d));
      const ack = median(ackMs);
      return {
        notes: [
          `Abort at the first progress event (between micro-batches): median ${fmt(ack)} ms (runs: ${ackMs.join(', ')} ms).`,
          `Abort ${delays.join(', ')} ms after it (mostly mid-batch, default batchTokens): median ${fmt(median(midBatchMs))} ms, max ${fmt(Math.max(...midBatchMs))} ms (runs: ${midBatchMs.join(', ')} ms).`,
          'Timed from AbortController.abort() to the CancelledError rejection, in the engine process (main thread).',
        ],
        figures: { cancelAckMs: round1(ack), cancelAckRunsMs: ackMs, cancelMidBatchDelaysMs: delays, cancelMidBatchRunsMs: midBatchMs },
        targets: [target('cancel acknowledgement (median)', ack, 'max', 200, 'ms')],
      };
    } finally {
      await engine.close();
    }
  },
};

export default section;
