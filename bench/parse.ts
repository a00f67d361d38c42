/**
 * Parse throughput: `node --import tsx bench/parse.ts` (BENCH_QUICK=1 for one repetition).
 *
 * Generates a 50 MB results file of 20,000 documents (text drawn from the sample's words with a
 * seeded PRNG) in three shapes: the seed's array, Qdrant /points/query and Elasticsearch hits, and
 * times `parseResults` on each (median of the runs), beside `JSON.parse` of the same text as the
 * floor. It also times the positions scan alone on 5 MB and 50 MB, to show it stays linear.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseResults } from '../src/core/parse';
import { locate } from '../src/core/formats/positions';

const ROOT = join(__dirname, '..');
const DOCS = 20_000;
const TARGET_MB = 50;
const REPS = process.env.BENCH_QUICK === '1' ? 1 : 5;

const words = ['dense_results.json', 'sparse_results.json']
  .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'sample', f), 'utf8')) as { text: string }[]).map((d) => d.text))
  .join(' ')
  .split(/\s+/)
  .filter(Boolean);

function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function texts(count: number, bytesEach: number): string[] {
  const random = prng(7);
  return Array.from({ length: count }, () => {
    let t = '';
    while (t.length < bytesEach) t += words[Math.floor(random() * words.length)] + ' ';
    return t;
  });
}

const chunk = texts(DOCS, Math.round((TARGET_MB * 1024 * 1024) / DOCS) - 160);
const meta = (i: number) => ({ title: 'Mixtral of Experts', arxiv_id: '2401.04088', page: i % 30 });

const SHAPES: Record<string, () => unknown> = {
  'seed array': () => chunk.map((text, i) => ({ id: i, text, metadata: meta(i), score: 1 - i / DOCS })),
  'Qdrant points': () => ({ result: { points: chunk.map((text, i) => ({ id: i, version: 1, score: 1 - i / DOCS, payload: { text, ...meta(i) } })) }, status: 'ok', time: 0.01 }),
  'Elasticsearch hits': () => ({ took: 5, hits: { total: { value: DOCS }, hits: chunk.map((text, i) => ({ _index: 'papers', _id: `c${i}`, _score: 20 - i / 1000, _source: { chunk: text, ...meta(i) } })) } }),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Collect garbage before each timed run, so one run's garbage does not land in the next one's time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function time(fn: () => void): number {
  gc();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const mb = (text: string) => Buffer.byteLength(text) / (1024 * 1024);
console.log(`parse throughput, ${DOCS} documents, median of ${REPS} (load average ${loadavg()[0].toFixed(2)})`);
console.log('shape                 MB     parseResults   JSON.parse   ratio');
for (const [name, build] of Object.entries(SHAPES)) {
  const text = JSON.stringify(build(), null, 1);
  const size = mb(text);
  parseResults(text, 'warm-up.json');
  const ours: number[] = [];
  const floor: number[] = [];
  for (let r = 0; r < REPS; r++) {
    floor.push(time(() => JSON.parse(text)));
    ours.push(time(() => parseResults(text, 'bench.json')));
  }
  const rate = (ms: number) => `${(size / (ms / 1000)).toFixed(0).padStart(5)} MB/s`;
  console.log(`${name.padEnd(20)} ${size.toFixed(1).padStart(5)}   ${rate(median(ours))}   ${rate(median(floor))}   ${(median(ours) / median(floor)).toFixed(2)}×`);
}

// The positions scan alone, on a tenth of the file and on all of it: linear means ~10× the time.
const full = JSON.stringify(SHAPES['seed array'](), null, 1);
const tenth = JSON.stringify((SHAPES['seed array']() as unknown[]).slice(0, DOCS / 10), null, 1);
const scan = (text: string, n: number) => median(Array.from({ length: REPS }, () => time(() => locate(text, Array.from({ length: n }, (_, i) => [i])))));
const small = scan(tenth, DOCS / 10);
const large = scan(full, DOCS);
console.log(`positions scan: ${mb(tenth).toFixed(1)} MB in ${small.toFixed(0)} ms, ${mb(full).toFixed(1)} MB in ${large.toFixed(0)} ms (${(large / small).toFixed(1)}× for ${(mb(full) / mb(tenth)).toFixed(1)}× the bytes)`);
