/**
 * Repeated work is free: re-ranking 1,000 already-scored documents end to end from the score cache (target
 * ≤ 50 ms) against scoring them in a warm worker, in the same run; and a hit returns the identical score.
 * The measurements are in bench/cache.ts.
 */
import { median, round1 } from '../common';
import { timing } from '../harness/interleave';
import { target, type Section } from '../harness/section';
import { prepareModel } from '../prepare';

const FRESH_PROCESSES = 3;

const section: Section = {
  name: 'cache',
  title: 'score cache: re-rank 1,000 cached documents end to end vs scoring them; a hit returns the identical score',
  quick: false,
  async run(ctx) {
    await prepareModel(ctx);
    const { DOCUMENTS, measureCache } = await import('../cache');
    const r = await measureCache({
      reps: ctx.reps(11, 21),
      fresh: ctx.smoke ? 1 : FRESH_PROCESSES,
      spawnFresh: (dir) => ctx.spawn('cache fresh', 'bench/cache.ts', ['fresh', dir]).result<number>(),
      log: ctx.log,
    });
    const pipeline = timing(DOCUMENTS, r.pipelineMs);
    const row = (what: string, runs: number[]) => ({ what, 'median ms': median(runs), 'worst ms': Math.max(...runs), 'vs scoring': `${(r.scoreMs / median(runs)).toFixed(0)}× faster`, runs: String(runs.length) });
    return {
      rows: [
        { what: 'scoring in the warm worker (no cache)', 'median ms': r.scoreMs, 'worst ms': r.scoreMs, 'vs scoring': '1×', runs: '1' },
        row('pipeline from the cache (Rerank again)', r.pipelineMs),
        row('cache alone (key, sha256, shard, lookups)', r.cacheAloneMs),
        row('read + parse the file + pipeline (CLI)', r.readAndPipelineMs),
        row('cache alone, first run of a new process', r.freshProcessMs),
      ],
      notes: [
        `${DOCUMENTS} documents of 600-1,800 characters, MiniLM-shaped model fp32; the cache directory holds 200 queries × ${DOCUMENTS} documents (its default bound).`,
        'Cached runs interleaved in the section process (a long-lived host), each with a new ScoreCache; the worker is never started (its factory throws).',
        `Cache hits identical (Object.is) to the worker's score of the same document: ${r.identicalHits} of ${r.hits}.`,
      ],
      figures: {
        documents: DOCUMENTS,
        scoreMs: round1(r.scoreMs),
        cachedRerankMs: pipeline.medianMs,
        cacheAloneMs: round1(median(r.cacheAloneMs)),
        readAndRerankMs: round1(median(r.readAndPipelineMs)),
        freshProcessMs: round1(median(r.freshProcessMs)),
        speedup: round1(r.scoreMs / pipeline.medianMs),
        hits: r.hits,
        identicalHits: r.identicalHits,
        runsMs: { pipeline: pipeline.runsMs, cacheAlone: r.cacheAloneMs.map(round1), readAndPipeline: r.readAndPipelineMs.map(round1), freshProcess: r.freshProcessMs.map(round1) },
      },
      targets: [
        target(`cached re-rank of ${DOCUMENTS} documents (median)`, pipeline.medianMs, 'max', 50, 'ms'),
        target('cache hits identical to the scored float', (100 * r.identicalHits) / r.hits, 'min', 100, '%'),
      ],
    };
  },
};

export default section;
