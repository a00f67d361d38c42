#!/usr/bin/env node
// Builds sample/eval/corpus.jsonl from the sample result files and two TREC runs over it:
//   run.bm25.txt  — Okapi BM25 (k1 = 0.9, b = 0.4, the Anserini/Pyserini BEIR defaults)
//   run.dense.txt — latent semantic analysis: cosine similarity of TF-IDF vectors projected on the
//                   top 8 singular vectors of the term-document matrix (Deerwester et al. 1990).
// No model is downloaded: LSA stands in for an embedding model and is a real dense retriever, if a weak one.
// Usage: node sample/eval/make-runs.mjs          writes the files
//        node sample/eval/make-runs.mjs --check  exits 1 if a committed file differs from what it would write
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TOP = 10;
const LSA_DIMS = 8;
const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has how in is it its of on or than that the this to was what which with'.split(' '),
);

/** Lower-cased letters-and-digits tokens, stopwords dropped, plural -s removed (Harman's S-stemmer, simplified). */
export function tokenize(text) {
  return (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((t) => !STOPWORDS.has(t))
    .map((t) => (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') ? t.slice(0, -1) : t));
}

function readCorpus() {
  const byId = new Map();
  for (const name of ['dense_results.json', 'sparse_results.json']) {
    for (const doc of JSON.parse(readFileSync(join(HERE, '..', name), 'utf8'))) {
      byId.set(String(doc.id), { _id: String(doc.id), title: doc.metadata?.title ?? '', text: doc.text });
    }
  }
  return [...byId.values()].sort((a, b) => Number(a._id) - Number(b._id));
}

function readQueries() {
  return readFileSync(join(HERE, 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function counts(tokens) {
  const tf = new Map();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

function bm25(docs, query, k1 = 0.9, b = 0.4) {
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / docs.length;
  const df = new Map();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return docs.map((d) => {
    let score = 0;
    for (const t of new Set(query)) {
      const f = d.tf.get(t);
      if (!f) continue;
      const n = df.get(t);
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avgdl));
    }
    return score;
  });
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations. */
function jacobi(m) {
  const n = m.length;
  const a = m.map((row) => [...row]);
  const v = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return a.map((row, i) => ({ value: row[i], vector: v.map((r) => r[i]) })).sort((x, y) => y.value - x.value);
}

function lsa(docs, queries) {
  const vocab = [...new Set(docs.flatMap((d) => [...d.tf.keys()]))].sort();
  const df = vocab.map((t) => docs.filter((d) => d.tf.has(t)).length);
  const idf = df.map((n) => Math.log(docs.length / n));
  const weigh = (tf) => vocab.map((t, i) => (tf.get(t) ? (1 + Math.log(tf.get(t))) * idf[i] : 0));
  const normalize = (x) => {
    const norm = Math.hypot(...x);
    return norm > 0 ? x.map((v) => v / norm) : x;
  };
  const columns = docs.map((d) => normalize(weigh(d.tf)));
  const gram = columns.map((x) => columns.map((y) => x.reduce((s, v, i) => s + v * y[i], 0)));
  const top = jacobi(gram).slice(0, LSA_DIMS);
  // U_r = A V_r Σ_r^-1, so a vector x projects to U_r^T x; documents land at Σ_r V_r^T.
  const basis = top.map(({ value, vector }) => vocab.map((_, t) => columns.reduce((s, col, j) => s + col[t] * vector[j], 0) / Math.sqrt(value)));
  const project = (x) => normalize(basis.map((u) => u.reduce((s, v, i) => s + v * x[i], 0)));
  const docVectors = columns.map(project);
  return queries.map((q) => {
    const qv = project(weigh(q.tf));
    return docVectors.map((d) => d.reduce((s, v, i) => s + v * qv[i], 0));
  });
}

function runFile(queries, docs, scoresPerQuery, tag) {
  const lines = [];
  queries.forEach((q, qi) => {
    const ranked = docs
      .map((d, i) => ({ id: d.id, score: Number(scoresPerQuery[qi][i].toFixed(6)) }))
      // trec_eval's order: score descending, ties by docid descending.
      .sort((x, y) => y.score - x.score || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0))
      .slice(0, TOP);
    ranked.forEach((d, r) => lines.push(`${q.id} Q0 ${d.id} ${r + 1} ${d.score.toFixed(6)} ${tag}`));
  });
  return lines.join('\n') + '\n';
}

export function build() {
  const corpus = readCorpus();
  const docs = corpus.map((d) => {
    const tokens = tokenize(`${d.title} ${d.text}`);
    return { id: d._id, tf: counts(tokens), length: tokens.length };
  });
  const queries = readQueries().map((q) => ({ id: q._id, tf: counts(tokenize(q.text)), tokens: tokenize(q.text) }));
  return {
    'corpus.jsonl': corpus.map((d) => JSON.stringify(d)).join('\n') + '\n',
    'run.bm25.txt': runFile(queries, docs, queries.map((q) => bm25(docs, q.tokens)), 'bm25'),
    'run.dense.txt': runFile(queries, docs, lsa(docs, queries), 'lsa-dense'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of Object.entries(build())) {
    const path = join(HERE, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) {
        console.error(`${name} is out of date: run node sample/eval/make-runs.mjs`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote sample/eval/${name}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
