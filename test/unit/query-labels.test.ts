import assert from 'node:assert/strict';
import { derivedQueryId, labelSummary, mergeLabels, normalizeQueryText, queryIdFor } from '../../src/core/eval/query-labels';
import { CUT_MARKS, gradeMark, gradeWords, metricsPart, metricsTable } from '../../src/extension/relevance/grades';
import { treeLabels } from '../../src/extension/relevance/label-view';
import { cutLine, relevanceMarks } from '../../src/extension/relevance/tree-labels';

const log2 = Math.log2;
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe('relevance labels: the query id rule', () => {
  it('derives q- and 12 hex digits of the SHA-256 of the normalized text (pinned: sha256sum of the text)', () => {
    // printf '%s' 'what is context size of mixtral?' | sha256sum
    assert.equal(derivedQueryId('What is context size of Mixtral?'), 'q-e84fa4a787d5');
    assert.equal(derivedQueryId('What is the context size of Mixtral?'), 'q-466cfc455a4d');
  });

  it('gives the same id to the same query however it is spaced or cased, and a different one to another query', () => {
    const id = derivedQueryId('What is context size of Mixtral?');
    for (const same of ['  what is context SIZE of mixtral?\n', 'What\tis context size  of Mixtral?', 'What is context size of Mixtral?'.normalize('NFD')]) {
      assert.equal(derivedQueryId(same), id, JSON.stringify(same));
    }
    assert.notEqual(derivedQueryId('What is context size of Mixtral'), id, 'punctuation counts');
    assert.match(id, /^q-[0-9a-f]{12}$/, 'no separator a qrels file could not hold');
    assert.equal(normalizeQueryText(' A\u00a0B  c '), 'a b c', 'a no-break space is a space');
  });

  it("takes the evaluation's id of the same text (the first one), else the derived id, and says which", () => {
    const queries: [string, string][] = [
      ['q01', 'What is the context size of Mixtral?'],
      ['q02', 'How many experts?'],
      ['q99', 'what is the context size of mixtral?'],
    ];
    assert.deepEqual(queryIdFor('what is the  context size of Mixtral?', queries), { id: 'q01', from: 'evaluation' });
    assert.deepEqual(queryIdFor('What is context size of Mixtral?', queries), { id: 'q-e84fa4a787d5', from: 'derived' });
    assert.deepEqual(queryIdFor('How many experts?'), { id: derivedQueryId('How many experts?'), from: 'derived' }, 'no evaluation');
  });
});

describe('relevance labels: merged judgments', () => {
  it('a later layer wins for the same document, and each label says where it was read', () => {
    const merged = mergeLabels([
      { source: 'metadata.relevant', judged: new Map([['a', 1], ['b', 0]]) },
      { source: 'eval/qrels/test.tsv', judged: undefined },
      { source: '.rerank-lens/qrels.tsv', judged: new Map([['b', 3]]) },
    ]);
    assert.deepEqual([...merged], [
      ['a', { grade: 1, source: 'metadata.relevant' }],
      ['b', { grade: 3, source: '.rerank-lens/qrels.tsv' }],
    ]);
  });
});

describe('relevance labels: metrics before and after, and moves across the cut', () => {
  // Input a b c d e; reranked c a e b d. x is judged but not retrieved; d is judged not relevant.
  const input = ['a', 'b', 'c', 'd', 'e'];
  const reranked = ['c', 'a', 'e', 'b', 'd'];
  const judged = new Map([['a', 1], ['b', 2], ['c', 3], ['d', 0], ['e', 2], ['x', 1]]);

  it('computes both orders by hand: nDCG@3 against the ideal of all judged grades (3 2 2 1 1), MRR, recall, P, hit rate, MAP', () => {
    const s = labelSummary({ input, reranked }, judged, { k: 3, cut: 2 })!;
    const ideal = 3 / log2(2) + 2 / log2(3) + 2 / log2(4);
    close(s.input.ndcg, (1 / log2(2) + 2 / log2(3) + 3 / log2(4)) / ideal, 'input nDCG@3');
    close(s.reranked.ndcg, (3 / log2(2) + 1 / log2(3) + 2 / log2(4)) / ideal, 'reranked nDCG@3');
    close(s.input.recall, 3 / 5, 'input recall@3 (x counts as relevant, not retrieved)');
    close(s.reranked.recall, 3 / 5, 'reranked recall@3');
    close(s.input.precision, 1, 'input P@3');
    close(s.input.mrr, 1, 'input MRR');
    close(s.reranked.hitRate, 1, 'hit rate');
    close(s.input.map, (1 / 1 + 2 / 2 + 3 / 3 + 4 / 5) / 5, 'input MAP (a b c at 1–3, e at 5)');
    close(s.reranked.map, (1 + 1 + 1 + 1) / 5, 'reranked MAP (c a e b at 1–4)');
    assert.equal(s.judged, 6);
    assert.equal(s.relevant, 5);
    assert.equal(s.k, 3);
  });

  it('finds the relevant documents that crossed the top-2 cut: c moved in, b moved out; a stayed, e stayed out, d is not relevant', () => {
    const s = labelSummary({ input, reranked }, judged, { k: 10, cut: 2 })!;
    assert.deepEqual(s.movedAbove, ['c']);
    assert.deepEqual(s.movedBelow, ['b']);
    const wide = labelSummary({ input, reranked }, judged, { k: 10, cut: 4 })!;
    assert.deepEqual([wide.movedAbove, wide.movedBelow], [['e'], []], 'with the cut at 4 only e crosses (d, not relevant, moves out)');
  });

  it('lists moves in reranked order, counts a document listed twice at its first place, and takes k larger than the list', () => {
    const s = labelSummary({ input: ['d', 'e', 'a', 'c'], reranked: ['c', 'a', 'c', 'd', 'e'] }, judged, { k: 50, cut: 2 })!;
    assert.deepEqual(s.movedAbove, ['c', 'a']);
    assert.deepEqual(s.movedBelow, ['e']);
    close(s.reranked.precision, 3 / 50, 'P@50 divides by k');
  });

  it('gives nothing for a query without a relevant judgment (an evaluation skips it)', () => {
    assert.equal(labelSummary({ input, reranked }, new Map([['a', 0]]), { k: 10, cut: 3 }), undefined);
    assert.equal(labelSummary({ input, reranked }, new Map(), { k: 10, cut: 3 }), undefined);
  });
});

describe('relevance labels in the tree (strings)', () => {
  const docs = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, originalRank: i + 1, rank: ['c', 'a', 'e', 'b', 'd'].indexOf(id) + 1 }));
  const queryId = { id: 'q1', from: 'derived' as const };

  it('badges: ★ for the top grade, ✓ for relevant, ✗ for judged not relevant; words for each', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(gradeMark), ['✗0', '✓1', '✓2', '★3', '★4']);
    assert.deepEqual([0, 3, 4].map(gradeWords), ['Not relevant (0)', 'Perfect (3)', 'grade 4']);
  });

  it('changes nothing without labels, and marks each row with its grade and its move across the cut', () => {
    const none = treeLabels(docs, { queryId, layers: [{ source: 'f', judged: new Map() }], own: 'f', k: 3, cut: 2, problems: [] });
    assert.equal(none, undefined);
    assert.deepEqual(relevanceMarks('a', none), []);
    const labels = treeLabels(docs, {
      queryId,
      layers: [{ source: 'own.tsv', judged: new Map([['a', 1], ['b', 2], ['c', 3], ['d', 0], ['e', 2], ['x', 1]]) }],
      own: 'own.tsv',
      k: 3,
      cut: 2,
      problems: [],
    })!;
    assert.deepEqual(['a', 'b', 'c', 'd', 'x'].map((id) => relevanceMarks(id, labels)), [['✓1'], ['✓2', CUT_MARKS.below], ['★3', CUT_MARKS.above], ['✗0'], ['✓1']]);
    assert.equal(metricsPart(labels.summary!), `nDCG@3 ${labels.summary!.input.ndcg.toFixed(2)} → ${labels.summary!.reranked.ndcg.toFixed(2)}`);
    assert.match(cutLine(labels), /top 2 .*⇑ moved in id c; ⇓ moved out id b\.$/);
    const table = metricsTable(labels.summary!).split('\n');
    assert.equal(table.length, 8);
    assert.equal(table[2], `| nDCG@3 | ${labels.summary!.input.ndcg.toFixed(3)} | ${labels.summary!.reranked.ndcg.toFixed(3)} | +${(labels.summary!.reranked.ndcg - labels.summary!.input.ndcg).toFixed(3)} |`);
    assert.equal(table[7], `| MAP | 0.760 | 0.800 | +0.040 |`);
  });

  it('says when a labels file could not be read even without labels', () => {
    const labels = treeLabels(docs, { queryId, layers: [], own: 'own.tsv', k: 3, cut: 2, problems: ['own.tsv:2: bad grade'] });
    assert.ok(labels);
    assert.equal(labels.summary, undefined);
    assert.deepEqual(labels.problems, ['own.tsv:2: bad grade']);
  });
});
