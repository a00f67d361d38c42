/**
 * `node --import tsx bench/remote.ts`: remote reranking throughput against loopback TEI servers in their own
 * processes (so server inference does not share the client's event loop), 1,000 documents:
 * - the generated tiny cross-encoder served over TEI's protocol, concurrency 1 vs 4 (CPU-bound server);
 * - a server that answers after a fixed 50 ms per request (a GPU box across a network), concurrency 1 vs 4;
 * - baseline: the same tiny model scored in-process (CrossEncoder.score), no HTTP.
 * Runs are interleaved (rotating order) and the median of REPS is printed. Not part of `npm run bench` yet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { scoreRemote } from '../src/core/rerankers/remote';
import { CrossEncoder } from '../src/core/scoring/cross-encoder';
import { fixtureModel } from '../test/support/models';
import { lexicalScorer, startRerankServer } from '../test/support/rerank-servers';
import { QUERY, median, prng } from './common';
import { sampleWords } from './docs';

const REPS = Number(process.env.REMOTE_BENCH_REPS ?? 5);
const N = 1000;

async function serve(mode: string): Promise<void> {
  let scorer = lexicalScorer as (q: string, t: string[]) => number[] | Promise<number[]>;
  let delayMs = 0;
  if (mode === 'model') {
    const encoder = await CrossEncoder.load({ model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-')), allowRemote: false });
    scorer = async (q, t) => (await encoder.score(q, t)).scores;
  } else {
    delayMs = 50;
  }
  const server = await startRerankServer({ protocol: 'tei', scorer });
  if (delayMs) server.setScenario({ kind: 'slow', delayMs });
  console.log(JSON.stringify({ url: server.url }));
}

function startServer(mode: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`server ${mode} exited (${code})`)));
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve({ url: (JSON.parse(line) as { url: string }).url, proc }));
  });
}

function documents(): string[] {
  const words = sampleWords();
  const rand = prng(7);
  return Array.from({ length: N }, () => Array.from({ length: 20 + Math.floor(rand() * 60) }, () => words[Math.floor(rand() * words.length)]).join(' '));
}

async function main(): Promise<void> {
  const docs = documents();
  const model = await startServer('model');
  const latency = await startServer('latency');
  const encoder = await CrossEncoder.load({ model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-')), allowRemote: false });
  const contenders: Record<string, () => Promise<number[]>> = {
    'local in-process (tiny model)': async () => (await encoder.score(QUERY, docs)).scores,
    'TEI tiny model, concurrency 1': async () => (await scoreRemote({ kind: 'tei', url: model.url, query: QUERY, documents: docs, limits: { concurrency: 1 } })).scores,
    'TEI tiny model, concurrency 4': async () => (await scoreRemote({ kind: 'tei', url: model.url, query: QUERY, documents: docs, limits: { concurrency: 4 } })).scores,
    'TEI 50 ms/request, concurrency 1': async () => (await scoreRemote({ kind: 'tei', url: latency.url, query: QUERY, documents: docs, limits: { concurrency: 1 } })).scores,
    'TEI 50 ms/request, concurrency 4': async () => (await scoreRemote({ kind: 'tei', url: latency.url, query: QUERY, documents: docs, limits: { concurrency: 4 } })).scores,
  };
  const names = Object.keys(contenders);
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  const reference = await contenders[names[0]]();
  for (const name of names) {
    const scores = await contenders[name](); // warm-up, and a check that remote = local where it should
    if (name.includes('tiny') && name !== names[0] && JSON.stringify(scores) !== JSON.stringify(reference)) throw new Error(`${name}: scores differ from local`);
  }
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + rep) % names.length];
      const t0 = performance.now();
      await contenders[name]();
      times.get(name)!.push(performance.now() - t0);
    }
  }
  console.log(`${N} documents, median of ${REPS} (ms, min–max):`);
  for (const name of names) {
    const t = times.get(name)!;
    console.log(`  ${name.padEnd(36)} ${median(t).toFixed(0).padStart(6)}  (${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)})`);
  }
  await encoder.dispose();
  for (const s of [model, latency]) {
    s.proc.removeAllListeners('exit');
    s.proc.kill();
  }
}

const serveAt = process.argv.indexOf('--serve');
(serveAt > 0 ? serve(process.argv[serveAt + 1]) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
