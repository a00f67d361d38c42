// A second process for the score-cache tests: from START (ms since epoch) for MS milliseconds, stores batch after
// batch of scores into the same cache directory as fast as it can, so two of these race on one shard. Prints the
// number of batches written. Args: DIR TAG START MS.
import { ScoreCache, type ScoreKey } from '../../src/core/cache/score-cache';

export const RACE_KEY: ScoreKey = { reranker: 'local', model: '/m', revision: 'r', dtype: 'fp32', maxLength: 512, query: 'q' };
/** The score a writer stores for a document: anyone reading it back can check it. */
export const raceScore = (doc: string): number => doc.length + doc.charCodeAt(doc.length - 1) / 1000;

async function main(): Promise<void> {
  const [dir, tag, start, ms] = process.argv.slice(2);
  const cache = new ScoreCache(dir, { warn: (m) => console.error(m) });
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(start) - Date.now())));
  let rounds = 0;
  for (const end = Number(start) + Number(ms); Date.now() < end; rounds++) {
    const docs = Array.from({ length: 20 }, (_, i) => `${tag}-${rounds}-${i}`);
    await cache.store(RACE_KEY, docs, docs.map(raceScore));
  }
  console.log(rounds);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
