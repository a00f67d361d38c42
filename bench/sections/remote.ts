/**
 * Remote reranking: 1,000 documents through TEI servers on loopback (each in its own process), concurrency 4 vs 1:
 * against a latency-bound server (a fixed 50 ms per request: a GPU box across a network) and against the tiny
 * model served on this machine's CPU; the same tiny model scored in this process, no HTTP, as the local baseline.
 * Remote scores from the model server must equal the local ones. The measurements are in bench/remote.ts.
 */
import { QUERY, median, round1 } from '../common';
import { interleave, timing } from '../harness/interleave';
import { target, type Section } from '../harness/section';

const section: Section = {
  name: 'remote',
  title: 'remote reranking: TEI on loopback, concurrency 4 vs 1 (latency-bound and CPU-bound servers) vs local in-process',
  quick: false,
  async run(ctx) {
    const { DOCUMENTS, LATENCY_MS, documents, remoteScores, tinyEncoder } = await import('../remote');
    const docs = documents();
    const [model, latency] = ['model', 'latency'].map((mode) => ctx.spawn(`${mode} server`, 'bench/remote.ts', [mode]));
    const urls = (await Promise.all([model.ready, latency.ready])) as { url: string }[];
    const encoder = await tinyEncoder();
    try {
      const local = async () => (await encoder.score(QUERY, docs)).scores;
      const reference = await local();
      const contenders: Record<string, () => Promise<number[]>> = {
        'local in-process (tiny model)': local,
        'TEI tiny model, concurrency 1': () => remoteScores(urls[0].url, docs, 1),
        'TEI tiny model, concurrency 4': () => remoteScores(urls[0].url, docs, 4),
        [`TEI ${LATENCY_MS} ms/request, concurrency 1`]: () => remoteScores(urls[1].url, docs, 1),
        [`TEI ${LATENCY_MS} ms/request, concurrency 4`]: () => remoteScores(urls[1].url, docs, 4),
      };
      const runs = await interleave(
        Object.entries(contenders).map(([key, score]) => ({
          key,
          reps: ctx.reps(5, 7),
          run: async () => {
            const t0 = performance.now();
            await score();
            return performance.now() - t0;
          },
          // The warm-up also checks that remote = local where it should.
          warmUp: async () => {
            const scores = await score();
            if (key.includes('tiny') && JSON.stringify(scores) !== JSON.stringify(reference)) throw new Error(`${key}: scores differ from the local ones`);
          },
        })),
      );
      const t = Object.fromEntries(Object.entries(runs).map(([k, ms]) => [k, timing(DOCUMENTS, ms)]));
      const speedup = (server: string) => t[`${server}, concurrency 1`].medianMs / t[`${server}, concurrency 4`].medianMs;
      const latencyBound = speedup(`TEI ${LATENCY_MS} ms/request`);
      return {
        rows: Object.entries(t).map(([k, v]) => ({ contender: k, 'median ms': v.medianMs, 'min-max ms': `${Math.round(Math.min(...runs[k]))}-${Math.round(Math.max(...runs[k]))}`, 'docs/s': v.perSec })),
        notes: [
          `${DOCUMENTS} documents of 20-80 words, median of ${runs[Object.keys(runs)[0]].length} interleaved runs; TEI's default 32 texts per request (32 requests).`,
          `Concurrency 4 vs 1: latency-bound server ${latencyBound.toFixed(2)}× (ideal 4×), tiny model on this CPU ${speedup('TEI tiny model').toFixed(2)}× (the server's cores are the limit).`,
          `Remote tiny-model scores equal the local ones (checked on the warm-up).`,
        ],
        figures: {
          documents: DOCUMENTS,
          medianMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.medianMs])),
          concurrency4vs1LatencyBound: round1(latencyBound * 100) / 100,
          concurrency4vs1CpuBound: round1(speedup('TEI tiny model') * 100) / 100,
          localMedianMs: round1(median(runs['local in-process (tiny model)'])),
          runsMs: runs,
        },
        targets: [target(`concurrency 4 vs 1, ${LATENCY_MS} ms/request server`, latencyBound, 'min', 3)],
      };
    } finally {
      await encoder.dispose();
      await Promise.all([model.close(), latency.close()]);
    }
  },
};

export default section;
