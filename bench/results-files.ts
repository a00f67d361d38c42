/**
 * The synthetic results files the parse sections read: DOCS chunks of words from the sample files (seeded, so
 * every run parses the same bytes), about TARGET_MB in all, written in three shapes retrievers produce.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, prng } from './common';

export const DOCS = 20_000;
export const TARGET_MB = 50;

/** `count` chunk texts of about `bytesEach` bytes (default: DOCS chunks making TARGET_MB with their JSON around). */
export function chunkTexts(count = DOCS, bytesEach = Math.round((TARGET_MB * 1024 * 1024) / DOCS) - 160): string[] {
  const words = ['dense_results.json', 'sparse_results.json']
    .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'sample', f), 'utf8')) as { text: string }[]).map((d) => d.text))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  const random = prng(7);
  return Array.from({ length: count }, () => {
    let t = '';
    while (t.length < bytesEach) t += words[Math.floor(random() * words.length)] + ' ';
    return t;
  });
}

const meta = (i: number) => ({ title: 'Mixtral of Experts', arxiv_id: '2401.04088', page: i % 30 });

/** Each shape's document: the notebook's array, Qdrant's query points, Elasticsearch's hits. */
export const SHAPES: Record<string, (chunks: string[]) => unknown> = {
  'seed array': (chunks) => chunks.map((text, i) => ({ id: i, text, metadata: meta(i), score: 1 - i / chunks.length })),
  'Qdrant points': (chunks) => ({
    result: { points: chunks.map((text, i) => ({ id: i, version: 1, score: 1 - i / chunks.length, payload: { text, ...meta(i) } })) },
    status: 'ok',
    time: 0.01,
  }),
  'Elasticsearch hits': (chunks) => ({
    took: 5,
    hits: { total: { value: chunks.length }, hits: chunks.map((text, i) => ({ _index: 'papers', _id: `c${i}`, _score: 20 - i / 1000, _source: { chunk: text, ...meta(i) } })) },
  }),
};
