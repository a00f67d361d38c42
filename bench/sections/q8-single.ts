/**
 * q8 one pair per run vs fp32 batched, on the MiniLM-shaped model and the 100 pairs of 100-300 tokens.
 * Dynamic quantization takes one scale per run, so a batched q8 score depends on its neighbours; one pair per
 * run (no padding, no shared scale) does not. Is that still worth it over fp32? The decision threshold is 1.6×
 * (below it, `singlePairQ8` stays off by default: src/core/scoring/cross-encoder.ts).
 *
 * Contenders, all CrossEncoder.score in this section's process (tokenization included, models loaded beforehand,
 * one untimed warm-up each), interleaved:
 *   fp32-batched  the engine's default (length-sorted micro-batches of DEFAULT_BATCH_TOKENS)
 *   q8-single     singlePairQ8: true
 *   q8-batched    singlePairQ8: false (the same micro-batches as fp32), for reference
 */
import { availableParallelism } from 'node:os';
import { SWEEP_CASE, findCase, median, modelSpec, readData, round1 } from '../common';
import { interleave, timing } from '../harness/interleave';
import { target, type Section } from '../harness/section';
import { prepareScoring } from '../prepare';

const section: Section = {
  name: 'q8-single',
  title: `q8 one pair per run (singlePairQ8) vs fp32 batched, in-process CrossEncoder, ${SWEEP_CASE}`,
  quick: false,
  async run(ctx) {
    await prepareScoring(ctx);
    const { CrossEncoder } = await import('../../src/core/scoring/cross-encoder');
    const data = readData();
    const bench = findCase(data, SWEEP_CASE);
    const threads = availableParallelism();
    const fp32 = await CrossEncoder.load({ ...modelSpec('fp32'), threads });
    const q8 = await CrossEncoder.load({ ...modelSpec('q8'), threads });
    const cpuMs: Record<string, number[]> = { 'fp32-batched': [], 'q8-single': [], 'q8-batched': [] };
    const contender = (key: string, encoder: typeof fp32, singlePairQ8?: boolean) => {
      const once = async (): Promise<number> => {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const out = await encoder.score(data.query, bench.documents, singlePairQ8 === undefined ? {} : { singlePairQ8 });
        const ms = performance.now() - t0;
        if (out.scores.length !== bench.documents.length) throw new Error(`${key} scored ${out.scores.length} pairs`);
        const cpu = process.cpuUsage(cpu0);
        cpuMs[key].push(round1((cpu.user + cpu.system) / 1000));
        return ms;
      };
      return {
        key,
        reps: ctx.reps(5, 7),
        run: once,
        warmUp: async () => {
          await once();
          cpuMs[key].pop(); // the warm-up's CPU time is not a run's
        },
      };
    };
    try {
      const runs = await interleave([contender('fp32-batched', fp32), contender('q8-single', q8, true), contender('q8-batched', q8, false)]);
      const t = Object.fromEntries(Object.entries(runs).map(([k, ms]) => [k, timing(bench.documents.length, ms)]));
      const ratio = t['q8-single'].perSec / t['fp32-batched'].perSec;
      const cpuRatio = median(cpuMs['fp32-batched']) / median(cpuMs['q8-single']);
      return {
        rows: Object.entries(t).map(([k, v]) => ({ contender: k, 'median ms': v.medianMs, 'pairs/s': v.perSec, 'vs fp32': `${(v.perSec / t['fp32-batched'].perSec).toFixed(2)}×`, 'CPU ms': median(cpuMs[k]) })),
        notes: [
          `${bench.documents.length} pairs, tokens ${bench.tokens.min}-${bench.tokens.max} (median ${bench.tokens.median}), ${threads} intra-op threads; median of ${runs['fp32-batched'].length} interleaved runs.`,
          `By CPU time (process, all threads) q8-single vs fp32: ${cpuRatio.toFixed(2)}× (a cross-check: on a loaded machine ONNX Runtime's spinning threads inflate it).`,
          `q8-single / q8-batched: ${(t['q8-single'].perSec / t['q8-batched'].perSec).toFixed(2)}×.`,
        ],
        figures: {
          pairs: bench.documents.length,
          pairsPerSec: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.perSec])),
          q8SingleVsFp32: round1(ratio * 100) / 100,
          q8SingleVsFp32ByCpu: round1(cpuRatio * 100) / 100,
          runsMs: runs,
          cpuMs,
        },
        targets: [target('q8-single / fp32-batched (decision threshold)', ratio, 'min', 1.6)],
      };
    } finally {
      await Promise.all([fp32.dispose(), q8.dispose()]);
    }
  },
};

export default section;
