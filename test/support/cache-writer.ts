// A second process for the score-cache tests: once every writer is ready (a file each in BARRIER, so a slow start
// under load cannot keep them apart), stores ROUNDS batches of scores into the same cache directory as fast as it
// can, so two of these race on one shard. Prints the number of batches written. Args: DIR TAG ROUNDS BARRIER WRITERS.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScoreCache, type ScoreKey } from '../../src/core/cache/score-cache';

export const RACE_KEY: ScoreKey = { reranker: 'local', model: '/m', revision: 'r', dtype: 'fp32', maxLength: 512, query: 'q' };
/** The score a writer stores for a document: anyone reading it back can check it. */
export const raceScore = (doc: string): number => doc.length + doc.charCodeAt(doc.length - 1) / 1000;

async function main(): Promise<void> {
  const [dir, tag, total, barrier, writers] = process.argv.slice(2);
  const cache = new ScoreCache(dir, { warn: (m) => console.error(m) });
  await writeFile(join(barrier, tag), '');
  for (const deadline = Date.now() + 60_000; (await readdir(barrier)).length < Number(writers); ) {
    if (Date.now() > deadline) throw new Error('the other writer never started');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  let rounds = 0;
  for (; rounds < Number(total); rounds++) {
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
