import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRelevant, keyedMetrics, meanMetrics, queryMetrics, type Metrics, type MetricName } from '../../src/core/eval/metrics';
import { parseQrels } from '../../src/core/eval/qrels';
import { parseTrecRun } from '../../src/core/eval/run';
import { REPO } from '../support/models';
import { assertMatchesTrecEval, readTrecEvalOutput } from '../support/trec-eval';

const FIXTURES = join(REPO, 'test', 'fixtures', 'eval');
const log2 = Math.log2;

function near(actual: Metrics, expected: Metrics, tolerance = 1e-12): void {
  for (const name of Object.keys(expected) as MetricName[]) {
    assert.ok(Math.abs(actual[name] - expected[name]) <= tolerance, `${name}: ${actual[name]} ≠ ${expected[name]}`);
  }
}

describe('eval: metrics', () => {
  const judged = new Map([['a', 3], ['b', 2], ['c', 0], ['d', 1], ['e', 2]]);

  it('computes graded metrics by hand: unjudged is not relevant, the ideal includes unretrieved grades', () => {
    // c (0), a (3), x (unjudged), b (2), d (1); e (2) is judged but not retrieved. Relevant: a, b, d, e.
    near(queryMetrics(['c', 'a', 'x', 'b', 'd'], judged, 3), {
      ndcg: 3 / log2(3) / (3 + 2 / log2(3) + 2 / log2(4)),
      mrr: 1 / 2,
      recall: 1 / 4,
      precision: 1 / 3,
      hitRate: 1,
      // MAP runs over the whole list, not the top 3: relevant at ranks 2, 4, 5, and e never found.
      map: (1 / 2 + 2 / 4 + 3 / 5) / 4,
    });
  });

  it('divides precision by k when k is larger than the list, and cuts the ideal DCG at k', () => {
    near(queryMetrics(['a'], new Map([['a', 1], ['b', 1]]), 10), {
      ndcg: 1 / (1 + 1 / log2(3)),
      mrr: 1,
      recall: 1 / 2,
      precision: 1 / 10,
      hitRate: 1,
      map: 1 / 2,
    });
    // k = 1: the ideal is the single best grade.
    near(queryMetrics(['b', 'a'], judged, 1), { ndcg: 2 / 3, mrr: 1, recall: 1 / 4, precision: 1, hitRate: 1, map: (1 + 2 / 2) / 4 });
  });

  it('gives zeros for an empty ranking and for a list without relevant documents', () => {
    const zero = { ndcg: 0, mrr: 0, recall: 0, precision: 0, hitRate: 0, map: 0 };
    assert.deepEqual(queryMetrics([], judged, 10), zero);
    assert.deepEqual(queryMetrics(['c', 'x', 'y'], judged, 10), zero);
    assert.deepEqual(queryMetrics(['a'], undefined, 10), zero);
  });

  it('counts a document listed twice once, at its first position', () => {
    const m = queryMetrics(['a', 'a', 'b'], new Map([['a', 1], ['b', 1]]), 3);
    near(m, { ndcg: (1 + 1 / log2(4)) / (1 + 1 / log2(3)), mrr: 1, recall: 1, precision: 2 / 3, hitRate: 1, map: (1 + 2 / 3) / 2 });
  });

  it('knows which queries have a relevant judgment', () => {
    assert.equal(hasRelevant(judged), true);
    assert.equal(hasRelevant(new Map([['z', 0]])), false);
    assert.equal(hasRelevant(undefined), false);
  });

  it('averages over queries and prints the pinned keys', () => {
    const mean = meanMetrics([queryMetrics(['a'], judged, 2), queryMetrics(['x', 'a'], judged, 2)]);
    assert.equal(mean.mrr, (1 + 1 / 2) / 2);
    assert.deepEqual(Object.keys(keyedMetrics(mean, 10)), ['ndcg@10', 'mrr@10', 'recall@10', 'precision@10', 'hit_rate@10', 'map']);
    assert.throws(() => meanMetrics([]), RangeError);
    assert.throws(() => queryMetrics(['a'], judged, 0), RangeError);
    assert.throws(() => queryMetrics(['a'], judged, 2.5), RangeError);
  });

  it('matches trec_eval 10.0 on ties, grades, a relevant document below the cut and a query missing from the run', () => {
    const { qrels } = parseQrels(readFileSync(join(FIXTURES, 'qrels.txt'), 'utf8'), 'qrels.txt');
    const run = parseTrecRun(readFileSync(join(FIXTURES, 'run.txt'), 'utf8'), 'run.txt');
    const reference = readTrecEvalOutput(readFileSync(join(FIXTURES, 'trec_eval-10.0.txt'), 'utf8'));
    const ours = new Map([...qrels.keys()].map((qid) => [qid, queryMetrics(run.queries.get(qid)?.map((e) => e.docId) ?? [], qrels.get(qid), 10)]));
    // q5's first relevant document is at rank 11: trec_eval's uncut recip_rank is 1/11, our MRR@10 is 0.
    for (const [qid, m] of ours) assertMatchesTrecEval(m, reference, 10, qid, 'fixture');
    assert.equal(ours.get('q5')!.mrr, 0);
    assert.equal(reference.get('recip_rank')!.get('q5'), 0.0909);
    // trec_eval -c averages q3 (no relevant judgment) as zeros; we skip it, so our mean is over 4 queries.
    assert.equal(hasRelevant(qrels.get('q3')), false);
    const evaluated = [...ours].filter(([qid]) => hasRelevant(qrels.get(qid))).map(([, m]) => m);
    const theirMap = [...reference.get('map')!].filter(([qid]) => qid !== 'all' && qid !== 'q3').map(([, v]) => v);
    assert.ok(Math.abs(meanMetrics(evaluated).map - theirMap.reduce((s, v) => s + v, 0) / 4) < 5e-5);
  });
});
