import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, isInputError } from '../../src/core/errors';
import { loadEvalData } from '../../src/core/eval/inputs';
import { evaluateData, runEvaluation } from '../../src/core/eval/pipeline';
import { ScoringWorker } from '../../src/core/scoring/worker-client';
import type { EvalFiles } from '../../src/shared/eval-types';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { Progress } from '../../src/shared/worker-protocol';
import { SAMPLE, WORKER, assertBuilt, fixtureModel } from '../support/models';

const DIR = join(SAMPLE, 'eval');
const ref = (name: string) => ({ path: join(DIR, name), name });
const FILES: EvalFiles = { corpus: ref('corpus.jsonl'), queries: ref('queries.jsonl'), qrels: ref('qrels/test.tsv'), runs: [ref('run.dense.txt'), ref('run.bm25.txt')] };
const SETTINGS = { k: 10, topN: 100 };

describe('evaluation in the scoring worker (the editor\'s path)', function () {
  this.timeout(120_000);
  let spec: ModelSpec;
  let worker: ScoringWorker;

  before(async () => {
    assertBuilt();
    spec = { model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-evalw-')), allowRemote: false };
  });
  beforeEach(() => (worker = new ScoringWorker({ workerPath: WORKER })));
  afterEach(() => worker.dispose());

  it('evaluates with the same report as the pipeline run in this thread, reporting each file read and the scoring', async () => {
    const progress: Progress[] = [];
    const outcome = await worker.call('evaluate', { files: FILES, settings: SETTINGS, reranker: { kind: 'local', model: spec } }, { onProgress: (p) => progress.push(p) });
    const local = await runEvaluation(FILES, SETTINGS, { scorer: (sets) => worker.scoreMany({ model: spec, sets }) });
    assert.deepEqual(outcome.report, local.report);
    assert.deepEqual(outcome.reranked, local.reranked);
    assert.equal(outcome.stats.pairs, 295);
    assert.equal(outcome.queryText.q07, 'How was Mixtral Instruct fine-tuned?');
    const read = progress.filter((p) => p.phase === 'read').map((p) => (p as { file: string }).file);
    assert.deepEqual(read, ['queries.jsonl', 'qrels/test.tsv', 'run.dense.txt', 'run.bm25.txt', 'corpus.jsonl']);
    assert.equal(progress.filter((p) => p.phase === 'score').at(-1)?.phase, 'score');

    const alone = await worker.call('evaluate', { files: FILES, settings: SETTINGS });
    assert.equal(alone.report.reranked, null, 'no model: no reranking');
    assert.deepEqual(alone.report, evaluateData(await loadEvalData(FILES), SETTINGS));
  });

  it('reranks one query with the scores of the evaluation', async () => {
    const outcome = await worker.call('evaluate', { files: FILES, settings: SETTINGS, reranker: { kind: 'local', model: spec } });
    const one = await worker.call('rerankQuery', { files: FILES, settings: SETTINGS, queryId: 'q11', reranker: { kind: 'local', model: spec } });
    const expected = new Map(outcome.reranked!.find(([qid]) => qid === 'q11')![1].map((d) => [d.docId, d.score]));
    assert.equal(one.documents.length, expected.size);
    one.documents.forEach((d, i) => assert.equal(one.scores[i], expected.get(d.id), d.id));
    assert.deepEqual(one.documents.map((d) => d.sources.map((s) => s.file)).find((f) => f.length === 2), ['run.dense.txt', 'run.bm25.txt']);
  });

  it('stops an evaluation when cancelled, and keeps working afterwards', async () => {
    const abort = new AbortController();
    const pending = worker.call('evaluate', { files: FILES, settings: SETTINGS, reranker: { kind: 'local', model: spec } }, {
      signal: abort.signal,
      onProgress: (p) => p.phase === 'score' && abort.abort(),
    });
    await assert.rejects(pending, CancelledError);
    assert.equal((await worker.call('evaluate', { files: FILES, settings: SETTINGS })).report.queries, 22);
  });

  it('hands back a bad input with its code, file and position', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-evalw-bad-'));
    await writeFile(join(dir, 'run.txt'), 'q01 Q0 0 1 2 t\nq01 Q0 nope 2 1 t\n');
    const err = await worker.call('evaluate', { files: { ...FILES, runs: [{ path: join(dir, 'run.txt'), name: 'run.txt' }] }, settings: SETTINGS }).then(
      () => assert.fail('accepted a run with an unknown document'),
      (e: unknown) => e,
    );
    assert.ok(isInputError(err));
    assert.equal(err.code, 'unknown-id');
    assert.equal(err.file, 'run.txt');
    assert.deepEqual(err.position, { line: 2, column: 1 });
    assert.match(err.message, /^run\.txt:2: document nope \(query q01\) is not in corpus\.jsonl/);
  });
});
