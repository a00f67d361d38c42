import assert from 'node:assert/strict';
import { compareRankings, kendallTau, overlapAtK, perQueryDeltas } from '../../src/core/eval/compare';
import { mergeInOrder, reciprocalRankFusion } from '../../src/core/eval/fusion';
import { queryMetrics } from '../../src/core/eval/metrics';

describe('eval: Reciprocal Rank Fusion', () => {
  it('sums 1 / (60 + rank) over the rankings, ties broken by document id descending as trec_eval does', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'd', 'a'],
    ]);
    // a and c both have ranks {1, 3}; b and d both have rank 2 in one list.
    assert.deepEqual(fused, [
      { docId: 'c', score: 1 / 63 + 1 / 61 },
      { docId: 'a', score: 1 / 61 + 1 / 63 },
      { docId: 'd', score: 1 / 62 },
      { docId: 'b', score: 1 / 62 },
    ]);
  });

  it('makes equal rank sets tie exactly even when floating-point sums in list order would differ', () => {
    // y has ranks (1, 7, 2) and x (2, 1, 7): added in list order, x's sum is one ulp larger than y's,
    // which would put x first; as a real tie, the larger id y comes first.
    const t = (r: number) => 1 / (60 + r);
    assert.ok(t(2) + t(1) + t(7) > t(1) + t(7) + t(2));
    const fused = reciprocalRankFusion([
      ['y', 'x'],
      ['x', 'b2', 'b3', 'b4', 'b5', 'b6', 'y'],
      ['c1', 'y', 'c3', 'c4', 'c5', 'c6', 'x'],
    ]);
    assert.deepEqual(fused.slice(0, 2).map((d) => d.docId), ['y', 'x']);
    assert.equal(fused[0].score, fused[1].score);
  });

  it('fuses a single ranking to itself, counts a repeated document once and takes another k', () => {
    assert.deepEqual(reciprocalRankFusion([['p', 'q', 'r']]).map((d) => d.docId), ['p', 'q', 'r']);
    assert.deepEqual(reciprocalRankFusion([['p', 'p', 'q']]), [
      { docId: 'p', score: 1 / 61 },
      { docId: 'q', score: 1 / 63 },
    ]);
    // k = 1: "solo", first in one list (1/2), beats "both", fourth in both (2/5); with k = 60 it is the reverse (1/61 < 2/64).
    const k1 = reciprocalRankFusion([['solo', 'x', 'y', 'both'], ['z', 'w', 'v', 'both']], 1).map((d) => d.docId);
    assert.ok(k1.indexOf('solo') < k1.indexOf('both'), k1.join(' '));
    assert.equal(reciprocalRankFusion([['solo', 'x', 'y', 'both'], ['z', 'w', 'v', 'both']])[0].docId, 'both');
    assert.deepEqual(reciprocalRankFusion([]), []);
    assert.throws(() => reciprocalRankFusion([['a']], -1), RangeError);
  });

  it('merges rankings in first-appearance order', () => {
    assert.deepEqual(mergeInOrder([['b', 'a'], ['c', 'a', 'd'], []]), ['b', 'a', 'c', 'd']);
  });
});

describe('eval: comparing two rankings', () => {
  it('computes overlap@k over the longer top-k list', () => {
    assert.equal(overlapAtK(['1', '2', '3'], ['3', '4', '5'], 2), 0);
    assert.equal(overlapAtK(['1', '2', '3'], ['3', '4', '5'], 3), 1 / 3);
    assert.equal(overlapAtK(['1', '2'], ['2', '1'], 10), 1);
    assert.equal(overlapAtK(['1'], ['1', '2', '3'], 10), 1 / 3);
    assert.equal(overlapAtK([], [], 10), 1);
  });

  it("computes Kendall's tau over the common documents, null below two", () => {
    assert.deepEqual(kendallTau(['1', '2', '3', '4'], ['1', '2', '3', '4']), { tau: 1, common: 4 });
    assert.deepEqual(kendallTau(['1', '2', '3', '4'], ['4', '3', '2', '1']), { tau: -1, common: 4 });
    // One swapped pair out of six.
    assert.deepEqual(kendallTau(['1', '2', '3', '4'], ['2', '1', '3', '4']), { tau: 4 / 6, common: 4 });
    // Only 1 and 2 are common, and the orders disagree on them.
    assert.deepEqual(kendallTau(['x', '1', '2'], ['2', 'y', '1']), { tau: -1, common: 2 });
    assert.deepEqual(kendallTau(['1', 'x'], ['1', 'y']), { tau: null, common: 1 });
    assert.deepEqual(kendallTau([], []), { tau: null, common: 0 });
  });

  it('lists per-query deltas worst first', () => {
    const judged = new Map([['a', 1]]);
    const before = new Map([
      ['q1', queryMetrics(['a'], judged, 10)],
      ['q2', queryMetrics(['x', 'a'], judged, 10)],
      ['q3', queryMetrics(['a'], judged, 10)],
    ]);
    const after = new Map([
      ['q1', queryMetrics(['x', 'a'], judged, 10)],
      ['q2', queryMetrics(['a'], judged, 10)],
    ]);
    assert.deepEqual(perQueryDeltas(before, after, 'mrr'), [
      { id: 'q1', before: 1, after: 0.5, delta: -0.5 },
      { id: 'q2', before: 0.5, after: 1, delta: 0.5 },
    ]);
  });

  it('compares two rerankings side by side with metrics, deltas, overlap and tau', () => {
    const qrels = new Map([
      ['q1', new Map([['a', 1]])],
      ['q2', new Map([['z', 0]])],
    ]);
    const left = new Map([['q1', ['a', 'b', 'c']], ['q2', ['z']]]);
    const right = new Map([['q1', ['b', 'a', 'd']]]);
    const c = compareRankings(left, right, qrels, 2);
    assert.equal(c.queries, 1);
    assert.deepEqual(c.skipped, ['q2']);
    assert.equal(c.left['mrr@2'], 1);
    assert.equal(c.right['mrr@2'], 0.5);
    assert.equal(c.perQuery[0].delta['mrr@2'], -0.5);
    assert.equal(c.perQuery[0].overlap, 1);
    assert.equal(c.perQuery[0].tau, -1);
    assert.equal(c.tau, -1);
    assert.throws(() => compareRankings(new Map([['q2', ['z']]]), new Map(), qrels, 2), { code: 'no-judgments' });
  });
});
