import assert from 'node:assert/strict';
import { rankByScore } from '../../src/core/rerank';
import { findTerms, queryTerms } from '../../src/core/query-terms';
import { applyCut, clearsThreshold, describeThreshold, NO_THRESHOLD, standing } from '../../src/core/threshold';
import { chunkHeader, HEADER_RULE, renderChunk } from '../../src/extension/chunk-header';

// The notebook's scores (ms-marco-MiniLM-L-6-v2 on its 16 merged chunks), in merged input order.
const NOTEBOOK = [5.065694, 3.368832, 7.1048393, -4.1161065, -4.375498, -5.261078, -3.7225747, 3.1854544, 1.7966686, -2.5144243, 2.5638714, 1.6508546, 2.3361564, -3.0395935, 3.08699, -2.4781275];
const ranked = rankByScore(
  NOTEBOOK.map((_, i) => ({ id: i, text: `chunk ${i}`, metadata: {}, originalRank: i + 1, sources: [] })),
  NOTEBOOK,
);

describe('the cut (top k, then the threshold)', () => {
  it('keeps the notebook\'s top 3 without a threshold', () => {
    const { kept, belowTopK, belowThreshold } = applyCut(ranked, { topK: 3, ...NO_THRESHOLD });
    assert.deepEqual(kept.map((d) => d.score.toFixed(2)), ['7.10', '5.07', '3.37']);
    assert.equal(belowTopK.length, 13);
    assert.equal(belowThreshold.length, 0);
  });

  it('drops the top documents below a score threshold, after top k', () => {
    const { kept, belowTopK, belowThreshold } = applyCut(ranked, { topK: 3, minScore: 5, minProbability: null });
    assert.deepEqual(kept.map((d) => d.score.toFixed(2)), ['7.10', '5.07']);
    assert.equal(belowTopK.length, 0, 'what ranks after k also fails the threshold here');
    assert.equal(belowThreshold.length, 14);
    assert.equal(standing(ranked[2], { topK: 3, minScore: 5, minProbability: null }), 'below-threshold');
  });

  it('splits what ranks after k by the threshold, and stays in rank order', () => {
    const cut = { topK: 3, minScore: 0, minProbability: null };
    const { kept, belowTopK, belowThreshold } = applyCut(ranked, cut);
    assert.equal(kept.length, 3);
    assert.deepEqual(belowTopK.map((d) => d.score.toFixed(2)), ['3.19', '3.09', '2.56', '2.34', '1.80', '1.65']);
    assert.equal(belowThreshold.length, 7);
    const order = ranked.map((d) => standing(d, cut));
    assert.deepEqual(order, [...order].sort((a, b) => ['top', 'below-top-k', 'below-threshold'].indexOf(a) - ['top', 'below-top-k', 'below-threshold'].indexOf(b)));
  });

  it('needs a document to clear both the score and the probability', () => {
    const doc = ranked[2]; // 3.37 → sigmoid 0.967
    assert.equal(doc.probability.toFixed(3), '0.967');
    assert.ok(clearsThreshold(doc, { minScore: 3, minProbability: 0.95 }));
    assert.ok(!clearsThreshold(doc, { minScore: 3, minProbability: 0.99 }));
    assert.ok(!clearsThreshold(doc, { minScore: 4, minProbability: 0.5 }));
    assert.ok(clearsThreshold(doc, { minScore: 3.368832, minProbability: null }), 'inclusive');
    assert.equal(applyCut(ranked, { minScore: null, minProbability: 0.99 }).kept.length, 2, 'no top k: every document above 0.99');
    assert.equal(describeThreshold({ minScore: -2, minProbability: 0.9 }), 'score ≥ -2 and probability ≥ 0.9');
  });
});

describe('query terms in a chunk', () => {
  it('drop stop words and match case-insensitively at word starts', () => {
    assert.deepEqual(queryTerms('What is context size of Mixtral?'), ['context', 'size', 'mixtral']);
    const text = 'MIXTRAL uses a Context of 32k; sizes vary. Mixtral_8x7B, premixtral.';
    const found = findTerms(text, queryTerms('What is context size of Mixtral?')).map((r) => text.slice(r.start, r.end));
    assert.deepEqual(found, ['MIXTRAL', 'Context', 'size', 'Mixtral']);
  });

  it('keep numbers and treat regex characters as text', () => {
    assert.deepEqual(queryTerms('Is the window 32k or 8?'), ['window', '32k', '8']);
    assert.deepEqual(findTerms('a (b) c', ['(b)']), [{ start: 2, end: 5 }]);
    assert.deepEqual(findTerms('axb', ['a.b']), [], 'a dot is a dot');
    assert.deepEqual(findTerms('anything', []), []);
  });
});

describe('the chunk header', () => {
  const doc = {
    ...ranked[0],
    metadata: { title: 'Mixtral of Experts', references: ['1905.07830'] },
    sources: [
      { file: 'dense_results.json', rank: 3, score: 0.81, line: 20, column: 3 },
      { file: 'sparse_results.json', rank: 1, score: 12.4, line: 2, column: 3 },
    ],
  };
  const ctx = { query: 'What is context size of Mixtral?', fileNames: ['dense_results.json', 'sparse_results.json'], documentCount: 16, cut: { topK: 3, ...NO_THRESHOLD } };

  it('says rank, score, probability, id, movement, sources, metadata and the query', () => {
    assert.deepEqual(chunkHeader(doc, ctx), [
      '#1 of 16 · score 7.1048 (raw logit) · probability 0.9992 · id 2',
      'Moved ↑2 from #3 in the merged input · in the top 3: sent to Ask',
      'D dense_results.json: rank 3, score 0.81',
      'S sparse_results.json: rank 1, score 12.4',
      'title: Mixtral of Experts · references: ["1905.07830"]',
      'Query: What is context size of Mixtral?',
    ]);
    assert.match(chunkHeader(doc, { ...ctx, cut: { topK: 3, minScore: 8, minProbability: null } })[1], /below the threshold \(score ≥ 8\): not sent to Ask$/);
  });

  it('puts the text, unchanged, after the header and a rule', () => {
    const rendered = renderChunk({ ...doc, text: 'line one\nline two' }, ctx);
    assert.equal(rendered.content.slice(rendered.bodyOffset), 'line one\nline two');
    assert.equal(rendered.content.split('\n')[rendered.headerLines - 1], HEADER_RULE);
  });
});
