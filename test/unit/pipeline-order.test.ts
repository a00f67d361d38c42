import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fusedOrder, loadResults, rerankResults, scoreLoaded, type PartialRun } from '../../src/core/pipeline';
import { toReport } from '../../src/core/rerank';
import { createScorer } from '../../src/core/rerankers/scorer';
import { ScoringWorker } from '../../src/core/scoring/worker-client';
import { applyCut, describeThreshold, hasThreshold, minScoreIgnored } from '../../src/core/threshold';
import { WORKER, assertBuilt, fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';

describe('the pipeline: fused order, max documents, progressive results, score kinds', function () {
  this.timeout(180_000);
  let dir: string;
  let worker: ScoringWorker;
  let scorer: ReturnType<typeof createScorer>;

  const file = async (name: string, docs: { id: string; text: string }[]) => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(docs));
    return { path, name };
  };

  before(async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), 'rl-order-'));
    worker = new ScoringWorker({ workerPath: WORKER });
    const model = { model: await fixtureModel('tiny'), dtype: 'fp32' as const, cacheDir: dir, allowRemote: false };
    scorer = createScorer({ kind: 'local', model }, { worker: () => worker });
  });
  after(() => worker.dispose());

  it('orders documents by Reciprocal Rank Fusion of the files (ties in merged order) and reranks only the first maxDocuments', async () => {
    const a = await file('a.json', ['a', 'b', 'c'].map((id) => ({ id, text: `chunk ${id} about Mixtral` })));
    const b = await file('b.json', ['c', 'd'].map((id) => ({ id, text: `chunk ${id} about Mixtral` })));
    const loaded = await loadResults([a, b], { onFileError: 'fail' });
    // c: 1/63 + 1/61; a: 1/61; b and d: 1/62 each (a tie: merged order, b first).
    assert.deepEqual(loaded.merged.documents.map((d) => d.id), ['a', 'b', 'c', 'd']);
    assert.deepEqual(fusedOrder(loaded).map((d) => d.id), ['c', 'a', 'b', 'd']);

    const run = await scoreLoaded(loaded, { query: QUERY, scorer, maxDocuments: 2 });
    assert.deepEqual(run.ranked.map((d) => d.id).sort(), ['a', 'c'], 'the two best by fused rank were reranked');
    assert.deepEqual(run.unscored.map((d) => [d.id, d.fusedRank]), [['b', 3], ['d', 4]]);
    const report = toReport(run.query, 'tiny', run.ranked, undefined, { scoreKind: run.scoreKind, unscored: run.unscored });
    assert.equal(report.scoreKind, 'logit');
    assert.deepEqual(report.notReranked, [{ id: 'b', fusedRank: 3, originalRank: 2 }, { id: 'd', fusedRank: 4, originalRank: 4 }]);
    const all = await scoreLoaded(loaded, { query: QUERY, scorer });
    assert.equal(all.ranked.length, 4);
    assert.equal(all.unscored.length, 0);
    assert.equal(toReport(all.query, 'tiny', all.ranked).notReranked, undefined, 'no notReranked key when all were reranked');
  });

  it('fills in progressively: the first partial results come before the end and hold the top fused-rank documents', async () => {
    const docs = Array.from({ length: 600 }, (_, i) => ({ id: `d${i}`, text: `Chunk ${i}: Mixtral ${'uses a sparse mixture of experts '.repeat(1 + (i % 9))}` }));
    const big = await file('big.json', docs);
    const partials: PartialRun[] = [];
    const run = await rerankResults([big], { onFileError: 'fail', query: QUERY, scorer, onPartial: (p) => partials.push(p), partialEveryMs: 50 });
    assert.ok(partials.length >= 2, `several partial updates (${partials.length})`);
    const first = partials[0];
    assert.ok(first.pending > 0 && first.ranked.length > 0 && first.ranked.length + first.pending === docs.length, 'the first came before the end');
    assert.ok(first.ranked.every((d) => Number(String(d.id).slice(1)) < 16), 'the first results are the top fused-rank documents');
    for (let i = 1; i < partials.length; i++) assert.ok(partials[i].ranked.length >= partials[i - 1].ranked.length, 'only grows');
    const final = new Map(run.ranked.map((d) => [d.id, d.score]));
    for (const d of partials.at(-1)!.ranked) assert.equal(d.score, final.get(d.id), 'a partial score is the final score');
    assert.deepEqual(partials.at(-1)!.ranked.map((d) => d.rank), partials.at(-1)!.ranked.map((_, i) => i + 1), 'ranked among themselves');
  });

  it('with probabilities: the score is the probability, and minScore (a logit threshold) is ignored', () => {
    const docs = [0.9, 0.4, 0.1].map((probability, i) => ({ rank: i + 1, score: probability, probability }));
    const cut = { topK: 3, minScore: 0.5, minProbability: 0.3, scoreKind: 'probability' as const };
    assert.ok(minScoreIgnored(cut));
    assert.equal(describeThreshold(cut), 'probability ≥ 0.3');
    assert.deepEqual(applyCut(docs, cut).kept.map((d) => d.score), [0.9, 0.4], 'only minProbability cuts');
    assert.ok(!hasThreshold({ ...cut, minProbability: null }), 'minScore alone is no threshold for probabilities');
    assert.deepEqual(applyCut(docs, { ...cut, scoreKind: 'logit' }).kept.map((d) => d.score), [0.9], 'on logits both apply');
  });
});
