import assert from 'node:assert/strict';
import { evaluate, type RankedSource } from '../../src/core/eval/evaluate';
import { escapeMarkdown, renderMarkdownReport, worsenedQueries } from '../../src/core/eval/report';

const log2 = Math.log2;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
}

// q1 is judged a:1, c:2; q2 has only a zero grade (skipped); q3 is judged but no source found anything.
const qrels = new Map([
  ['q1', new Map([['a', 1], ['c', 2]])],
  ['q2', new Map([['x', 0]])],
  ['q3', new Map([['m', 1]])],
]);
const dense: RankedSource = { name: 'dense', rankings: new Map([['q1', ['b', 'a', 'd']], ['q2', ['x', 'y']]]) };
const sparse: RankedSource = { name: 'sparse', rankings: new Map([['q1', ['c', 'b', 'e']], ['q2', ['y']]]) };

describe('eval: the evaluation runner', () => {
  const report = evaluate({ sources: [dense, sparse], qrels, k: 2, reranked: new Map([['q1', ['c', 'a']]]), queryOrder: ['q3', 'q1', 'nowhere'] });

  it('gives the --json shape with the five pinned keys', () => {
    assert.deepEqual(Object.keys(report), ['queries', 'skipped', 'k', 'input', 'rrf', 'reranked', 'rrfK', 'sources', 'perQuery']);
    assert.deepEqual(Object.keys(report.input).slice(0, 4), ['ndcg@2', 'mrr@2', 'recall@2', 'precision@2']);
    assert.ok('map' in report.input && 'hit_rate@2' in report.input);
    assert.equal(report.queries, 2);
    assert.deepEqual(report.skipped, ['q2']);
    assert.deepEqual(report.perQuery.map((q) => q.id), ['q3', 'q1']);
    assert.equal(report.rrfK, 60);
  });

  it('scores the merged input, RRF and the reranked order of q1 as computed by hand', () => {
    const q1 = report.perQuery[1];
    const idcg = 2 + 1 / log2(3);
    // Merged input b a d c e: a (1) at rank 2, c (2) at rank 4.
    close(q1.input['ndcg@2'], 1 / log2(3) / idcg, 'input ndcg');
    close(q1.input.map, (1 / 2 + 2 / 4) / 2, 'input map');
    assert.equal(q1.input['precision@2'], 1 / 2);
    // RRF: b (2/62) c (1/61) a (1/62) e d (1/63 each, tie broken by id descending).
    close(q1.rrf!['ndcg@2'], 2 / log2(3) / idcg, 'rrf ndcg');
    close(q1.rrf!.map, (1 / 2 + 2 / 3) / 2, 'rrf map');
    // Reranked top 2 c a, then the rest of the input: b d e.
    assert.equal(q1.reranked!['ndcg@2'], 1);
    assert.equal(q1.reranked!.map, 1);
  });

  it('counts a judged query that no ranking has as zeros, not as skipped', () => {
    const q3 = report.perQuery[0];
    assert.deepEqual(Object.values(q3.input), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Object.values(q3.reranked!), [0, 0, 0, 0, 0, 0]);
    // Means are over q1 and q3.
    assert.equal(report.input['mrr@2'], 0.25);
    assert.equal(report.rrf!['mrr@2'], 0.25);
    assert.equal(report.reranked!['mrr@2'], 0.5);
    assert.deepEqual(report.sources.map((s) => [s.name, s.metrics['mrr@2'], s.metrics.map]), [
      ['dense', 0.25, 0.125],
      ['sparse', 0.5, 0.25],
    ]);
  });

  it('has no RRF with one source and no reranked figures without a reranking', () => {
    const single = evaluate({ sources: [dense], qrels });
    assert.equal(single.k, 10);
    assert.equal(single.rrf, null);
    assert.equal(single.reranked, null);
    assert.deepEqual(single.input, single.sources[0].metrics);
    assert.equal(single.perQuery[0].rrf, null);
    assert.equal(single.perQuery[0].reranked, null);
  });

  it('refuses to average nothing, with a hint about ids', () => {
    assert.throws(() => evaluate({ sources: [dense], qrels: new Map([['q2', new Map([['x', 0]])]]) }), {
      code: 'no-judgments',
      message: /None of the 2 queries has a relevant judgment.*query ids of the run and of the qrels/,
    });
    assert.throws(() => evaluate({ sources: [], qrels }), RangeError);
  });
});

describe('eval: the Markdown report', () => {
  const judged = new Map([['p', 1]]);
  const report = evaluate({
    sources: [{ name: 'bm25 | *run*', rankings: new Map([['q1', ['p', 'o']], ['q`2', ['p']], ['q3', ['o', 'p']]]) }],
    qrels: new Map([['q1', judged], ['q`2', judged], ['q3', judged]]),
    reranked: new Map([['q1', ['o', 'p']], ['q`2', ['o', 'p']], ['q3', ['p']]]),
    k: 10,
  });

  it('lists the queries that got worse, worst first', () => {
    assert.deepEqual(worsenedQueries(report).map((q) => q.id), ['q1', 'q`2']);
  });

  it('renders the metrics table with the best value per column in bold and escapes user text', () => {
    const md = renderMarkdownReport(report, { title: 'Sample <b>set</b>', queryText: new Map([['q1', 'what is **MoE** | routing?\nsecond line']]) });
    const lines = md.split('\n');
    assert.equal(lines[0], '# Sample \\<b\\>set\\</b\\>');
    assert.equal(lines[2], '3 queries evaluated at k = 10.');
    assert.equal(lines[4], '| Ranking | nDCG@10 | MRR@10 | Recall@10 | P@10 | Hit rate@10 | MAP |');
    // Input: q1 and q`2 have p at rank 1, q3 at rank 2 → MRR 0.833; reranked: the reverse → 0.667.
    assert.equal(lines[6], '| bm25 \\| \\*run\\* | **0.877** | **0.833** | **1.000** | **0.100** | **1.000** | **0.833** |');
    assert.equal(lines[7], '| Reranked | 0.754 | 0.667 | **1.000** | **0.100** | **1.000** | 0.667 |');
    assert.ok(md.includes('## Queries that got worse (nDCG@10, reranked vs input)'));
    assert.ok(md.includes('| `q1` what is \\*\\*MoE\\*\\* \\| routing? second line | 1.000 | 0.631 | -0.369 |'));
    assert.ok(md.includes('| ``q`2`` | 1.000 | 0.631 | -0.369 |'));
  });

  it('says when no query got worse, and lists skipped queries', () => {
    const same = evaluate({ sources: [{ name: 'run', rankings: new Map([['q1', ['p']], ['q9', ['p']]]) }], qrels: new Map([['q1', judged]]), reranked: new Map() });
    const md = renderMarkdownReport(same);
    assert.ok(md.includes('1 query evaluated at k = 10; 1 skipped (no relevant judgment): `q9`.'));
    assert.ok(md.includes('No query got worse.'));
  });

  it('escapes Markdown and HTML in text', () => {
    assert.equal(escapeMarkdown('[link](javascript:x) <img src=x> a_b\n|'), '\\[link\\](javascript:x) \\<img src=x\\> a\\_b \\|');
  });
});
