/**
 * The remote section's measurements (bench/sections/remote.ts): reranking 1,000 documents through a TEI server
 * on loopback, each server in its own process (so server inference does not share the client's event loop):
 *   node --import tsx bench/remote.ts model | latency    (started by the section: says "ready" with its URL)
 * - model: the generated tiny cross-encoder served over TEI's protocol (a CPU-bound server);
 * - latency: answers after a fixed 50 ms per request (a GPU box across a network), lexical scores.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreRemote } from '../src/core/rerankers/remote/score-remote';
import { CrossEncoder } from '../src/core/scoring/cross-encoder';
import { fixtureModel } from '../test/support/models';
import { lexicalScorer, startRerankServer } from '../test/support/rerank-servers';
import { QUERY, prng } from './common';
import { sampleWords } from './docs';
import { serveRequests } from './harness/ipc';

export const DOCUMENTS = 1000;
export const LATENCY_MS = 50;

export async function tinyEncoder(): Promise<CrossEncoder> {
  return CrossEncoder.load({ model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-')), allowRemote: false });
}

export function documents(): string[] {
  const words = sampleWords();
  const rand = prng(7);
  return Array.from({ length: DOCUMENTS }, () => Array.from({ length: 20 + Math.floor(rand() * 60) }, () => words[Math.floor(rand() * words.length)]).join(' '));
}

/** One rerank of the documents through the server at `url`, `concurrency` requests at a time. */
export async function remoteScores(url: string, docs: string[], concurrency: number): Promise<number[]> {
  return (await scoreRemote({ kind: 'tei', url, query: QUERY, documents: docs, limits: { concurrency } })).scores;
}

async function serve(mode: string): Promise<void> {
  let scorer = lexicalScorer as (q: string, t: string[]) => number[] | Promise<number[]>;
  if (mode === 'model') {
    const encoder = await tinyEncoder();
    scorer = async (q, t) => (await encoder.score(q, t)).scores;
  } else if (mode !== 'latency') throw new Error(`unknown server mode ${mode}`);
  const server = await startRerankServer({ protocol: 'tei', scorer });
  if (mode === 'latency') server.setScenario({ kind: 'slow', delayMs: LATENCY_MS });
  serveRequests(() => Promise.reject(new Error('the server takes no requests')), { info: { url: server.url }, dispose: () => server.close() });
}

if (require.main === module) {
  serve(process.argv[2]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
