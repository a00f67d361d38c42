import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBeirCorpus, readBeirQueries } from '../../src/core/eval/beir';
import { evaluate, type RankedSource } from '../../src/core/eval/evaluate';
import { reciprocalRankFusion } from '../../src/core/eval/fusion';
import { keyedMetrics, METRIC_NAMES, metricKey, queryMetrics, type Metrics } from '../../src/core/eval/metrics';
import { readQrelsFile } from '../../src/core/eval/qrels';
import { readTrecRunFile, type TrecRun } from '../../src/core/eval/run';
import { parseResults } from '../../src/core/parse';
import { REPO, SAMPLE } from '../support/models';
import { assertMatchesTrecEval, readTrecEvalOutput } from '../support/trec-eval';

const DIR = join(SAMPLE, 'eval');
const FIXTURES = join(REPO, 'test', 'fixtures', 'eval');

const ids = (run: TrecRun, qid: string) => run.queries.get(qid)?.map((e) => e.docId) ?? [];
const source = (name: string, run: TrecRun): RankedSource => ({ name, rankings: new Map([...run.queries.keys()].map((q) => [q, ids(run, q)])) });
const reference = (name: string) => readTrecEvalOutput(readFileSync(join(FIXTURES, `sample-${name}-trec_eval-10.0.txt`), 'utf8'));
const unkey = (m: Record<string, number>, k: number) => Object.fromEntries(METRIC_NAMES.map((n) => [n, m[metricKey(n, k)]])) as unknown as Metrics;

describe('eval: sample/eval', () => {
  let dense: TrecRun;
  let bm25: TrecRun;
  let qrels: Awaited<ReturnType<typeof readQrelsFile>>['qrels'];

  before(async () => {
    dense = await readTrecRunFile(join(DIR, 'run.dense.txt'));
    bm25 = await readTrecRunFile(join(DIR, 'run.bm25.txt'));
    qrels = (await readQrelsFile(join(DIR, 'qrels', 'test.tsv'))).qrels;
  });

  it('is what make-runs.mjs builds from the sample result files', () => {
    const result = spawnSync(process.execPath, [join(DIR, 'make-runs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  });

  it('holds the chunks of the sample results with their ids, and every id it refers to exists', async () => {
    const corpus = (await readBeirCorpus(join(DIR, 'corpus.jsonl'))).entries;
    const queries = (await readBeirQueries(join(DIR, 'queries.jsonl'))).entries;
    const chunks = ['dense_results.json', 'sparse_results.json'].flatMap((f) => parseResults(readFileSync(join(SAMPLE, f), 'utf8'), f).documents);
    assert.deepEqual([...corpus.keys()].sort(), [...new Set(chunks.map((d) => String(d.id)))].sort());
    for (const chunk of chunks) assert.equal(corpus.get(String(chunk.id))?.text, chunk.text);
    assert.equal(queries.size, 23);
    for (const run of [dense, bm25]) {
      assert.deepEqual([...run.queries.keys()], [...queries.keys()]);
      for (const entries of run.queries.values()) {
        assert.equal(entries.length, 10);
        for (const e of entries) assert.ok(corpus.has(e.docId), `${run.file}:${e.line}: ${e.docId}`);
      }
    }
    for (const [qid, judged] of qrels) {
      assert.ok(queries.has(qid), qid);
      for (const docId of judged.keys()) assert.ok(corpus.has(docId), `${qid} ${docId}`);
      for (const grade of judged.values()) assert.ok(grade >= 0 && grade <= 3);
    }
  });

  for (const k of [3, 10]) {
    it(`matches trec_eval 10.0 at k = ${k} for the dense run, the BM25 run and their RRF, skipping q19`, () => {
      const report = evaluate({ sources: [source('dense', dense), source('bm25', bm25)], qrels, k });
      assert.equal(report.queries, 22);
      assert.deepEqual(report.skipped, ['q19']);
      const refs = { dense: reference('dense'), bm25: reference('bm25'), rrf: reference('rrf') };
      for (const q of report.perQuery) {
        assertMatchesTrecEval(queryMetrics(ids(dense, q.id), qrels.get(q.id), k), refs.dense, k, q.id, 'dense');
        assertMatchesTrecEval(queryMetrics(ids(bm25, q.id), qrels.get(q.id), k), refs.bm25, k, q.id, 'bm25');
        assertMatchesTrecEval(unkey(q.rrf!, k), refs.rrf, k, q.id, 'rrf');
      }
      // trec_eval -c also averages q19 as zeros, over 23 queries; our means are over the 22 evaluated.
      const all = (ref: Map<string, Map<string, number>>) => ref.get(`ndcg_cut_${k}`)!.get('all')!;
      assert.equal(refs.dense.get('num_q')!.get('all'), 23);
      assert.ok(Math.abs(report.sources[0].metrics[`ndcg@${k}`] - (all(refs.dense) * 23) / 22) < 1e-4);
      assert.ok(Math.abs(report.rrf![`ndcg@${k}`] - (all(refs.rrf) * 23) / 22) < 1e-4);
    });
  }

  it('has the figures its README quotes', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const k of [10, 3]) {
      const report = evaluate({ sources: [source('dense (LSA)', dense), source('BM25', bm25)], qrels, k });
      const rows = [...report.sources.map((s) => [s.name, s.metrics] as const), [`RRF (k = 60)`, report.rrf!] as const];
      for (const [label, metrics] of rows) {
        const names = k === 10 ? METRIC_NAMES : METRIC_NAMES.filter((n) => n !== 'map');
        const row = `| ${label} | ${names.map((n) => metrics[metricKey(n, k)].toFixed(3)).join(' | ')} |`;
        assert.ok(readme.includes(row), `README lacks ${row}`);
      }
    }
  });

  it('fuses the two runs as RRF does by hand for q01', () => {
    const fused = reciprocalRankFusion([ids(dense, 'q01'), ids(bm25, 'q01')]);
    const rank = (run: TrecRun, d: string) => ids(run, 'q01').indexOf(d) + 1;
    for (const { docId, score } of fused) {
      const expected = [dense, bm25].map((r) => rank(r, docId)).filter((r) => r > 0).map((r) => 1 / (60 + r));
      assert.ok(Math.abs(score - expected.reduce((s, x) => s + x, 0)) < 1e-15, docId);
    }
    assert.deepEqual(keyedMetrics(queryMetrics(fused.map((d) => d.docId), qrels.get('q01'), 10), 10), evaluate({ sources: [source('dense', dense), source('bm25', bm25)], qrels }).perQuery[0].rrf);
  });
});
