import assert from 'node:assert/strict';
import type { DocumentSource } from '../../src/core/documents';
import { rankByScore, type RankedDocument } from '../../src/core/rerank';
import { markedRank, sourceMarkers } from '../../src/core/source-markers';
import { foundByAll, markerLegend, provenance, provenanceBadges, provenanceWords } from '../../src/extension/badges';
import { ordered, positionBefore } from '../../src/extension/order';
import { FIND_CHARS, GAP, originalLead, rerankedLead, rowLabel, rowText, scoreColumn } from '../../src/extension/rows';

const source = (file: string, rank: number): DocumentSource => ({ file, rank, line: 1, column: 1 });

/** The sample's shape: ids 15, 4, 2 from dense (2 also from sparse at 1), 18 only from sparse. */
function sample(): RankedDocument[] {
  const merged = [
    { id: 15, text: 'Passkey retrieval over 32k tokens', metadata: {}, originalRank: 1, sources: [source('dense_results.json', 1)] },
    { id: 4, text: 'Sparse mixture of experts', metadata: {}, originalRank: 2, sources: [source('dense_results.json', 2)] },
    {
      id: 2,
      text: 'Mixtral is pretrained with a context size of 32k tokens.',
      metadata: {},
      originalRank: 3,
      sources: [source('dense_results.json', 3), source('sparse_results.json', 1)],
    },
    { id: 18, text: 'Long range performance', metadata: {}, originalRank: 4, sources: [source('sparse_results.json', 2)] },
  ];
  return rankByScore(merged, [5.065694, -4.1161065, 7.1048393, 3.0869]);
}

describe('source markers', () => {
  it('take the first letter of what tells file names apart', () => {
    assert.deepEqual([...sourceMarkers(['dense_results.json', 'sparse_results.json']).values()], ['D', 'S']);
    assert.deepEqual([...sourceMarkers(['runs/bm25.jsonl', 'runs/e5-large.jsonl', 'runs/hybrid.json']).values()], ['B', 'E', 'H']);
    assert.deepEqual([...sourceMarkers(['dense.json', 'dense_v2.json']).values()], ['D', 'V']);
    assert.deepEqual([...sourceMarkers(['denseHits.json', 'sparseHits.json']).values()], ['D', 'S'], 'camelCase words');
  });

  it('grow on a collision, and number what still collides', () => {
    assert.deepEqual([...sourceMarkers(['hybrid_sparse.json', 'hybrid_splade.json', 'hybrid_dense.json']).values()], ['Spa', 'Spl', 'D']);
    assert.deepEqual([...sourceMarkers(['a/dense.json', 'b/dense.json']).values()], ['D1', 'D2']);
    assert.equal(markedRank('D', 3), 'D3');
    assert.equal(markedRank('D1', 3), 'D1#3', 'a marker ending in a digit stays apart from the rank');
  });

  it('are stable: the same files give the same markers, whatever else is in the result', () => {
    const a = sourceMarkers(['dense_results.json', 'sparse_results.json']);
    const b = sourceMarkers(['dense_results.json', 'sparse_results.json']);
    assert.deepEqual([...a], [...b]);
  });
});

describe('provenance badges', () => {
  const p = provenance(['dense_results.json', 'sparse_results.json']);
  const docs = sample();
  const byId = (id: number) => docs.find((d) => d.id === id)!;

  it('show every file in order, with the rank or a dash', () => {
    assert.equal(provenanceBadges(byId(2), p), 'D3 S1');
    assert.equal(provenanceBadges(byId(15), p), 'D1 S–');
    assert.equal(provenanceBadges(byId(18), p), 'D– S2');
    assert.ok(foundByAll(byId(2), p) && !foundByAll(byId(18), p));
    assert.equal(markerLegend(p), 'D = dense_results.json, S = sparse_results.json');
    assert.equal(provenanceWords(byId(2), p), 'found by dense_results.json at 3 and sparse_results.json at 1 (all files)');
  });

  it('are left out with a single file', () => {
    assert.equal(provenanceBadges(byId(15), provenance(['dense_results.json'])), '');
  });
});

describe('tree rows', () => {
  const docs = sample();
  const score = scoreColumn(docs);
  const p = provenance(['dense_results.json', 'sparse_results.json']);

  it('lead with the score in a fixed-width column, then movement, badges and text', () => {
    assert.deepEqual(docs.map((d) => score(d.score)), ['\u20077.10', '\u20075.07', '\u20073.09', '-4.12']);
    const [best] = docs;
    const label = rowLabel({ lead: rerankedLead(best, score), badges: provenanceBadges(best, p), marks: [], text: rowText(best, undefined) });
    assert.equal(label, ['\u20077.10', '↑2', 'D3 S1', 'Mixtral is pretrained with a context size of 32k tokens.'].join(GAP));
  });

  it('keep the title and the start of the text within what tree find matches', () => {
    const long = { ...docs[0], text: 'word '.repeat(200) };
    const label = rowLabel({ lead: rerankedLead(long, score), badges: 'D3 S1', marks: ['✓'], text: rowText(long, 'Mixtral of Experts') });
    assert.ok(label.length <= FIND_CHARS, `${label.length} characters`);
    assert.ok(label.includes(`${GAP}✓${GAP}Mixtral of Experts — word word`), label);
    assert.ok(label.endsWith('word…'));
  });

  it('lead with the new rank in an original order', () => {
    const doc = docs.find((d) => d.id === 2)!;
    assert.deepEqual(originalLead(doc, positionBefore(doc, { kind: 'merged' }), score), ['#1', '↑2', '\u20077.10']);
    assert.deepEqual(originalLead(doc, positionBefore(doc, { kind: 'source', file: 'sparse_results.json' }), score), ['#1', '=', '\u20077.10']);
  });

  it('list the merged input order, or one file\'s order with the rest after it', () => {
    assert.deepEqual(ordered(docs, { kind: 'reranked' }).listed.map((d) => d.id), [2, 15, 18, 4]);
    assert.deepEqual(ordered(docs, { kind: 'merged' }).listed.map((d) => d.id), [15, 4, 2, 18]);
    const sparse = ordered(docs, { kind: 'source', file: 'sparse_results.json' });
    assert.deepEqual(sparse.listed.map((d) => d.id), [2, 18]);
    assert.deepEqual(sparse.missing.map((d) => d.id), [15, 4], 'the others in reranked order');
  });
});
