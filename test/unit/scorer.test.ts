import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScoreCache } from '../../src/core/cache/score-cache';
import { CancelledError } from '../../src/core/errors';
import type { RerankerSpec } from '../../src/core/rerankers/reranker';
import { createScorer, type LocalScoring, type ScoreCall } from '../../src/core/rerankers/scorer';
import { ScoringWorker, type ScoreManyRequest, type ScoreRequest } from '../../src/core/scoring/worker-client';
import type { ModelSpec } from '../../src/shared/model-spec';
import { WORKER, assertBuilt, fixtureModel } from '../support/models';
import { lexicalScorer, startRerankServer, type RecordedRerankRequest, type RerankServer } from '../support/rerank-servers';

const QUERY = 'What is context size of Mixtral?';
const DOCS = Array.from({ length: 40 }, (_, i) => `Chunk ${i}: Mixtral ${i % 3 ? 'routes tokens to experts' : 'has a context size of 32k tokens'} ${'and more '.repeat(i % 5)}`);
const KEY = 'rk-SECRET-4242-do-not-leak';
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const posts = (server: RerankServer) => server.requests.filter((r) => r.method === 'POST');
const textsOf = (r: RecordedRerankRequest) => (r.body?.texts ?? r.body?.documents) as string[];

/** Counts what reaches the worker, so a test can show the cache kept a rerank from it. */
class CountingWorker implements LocalScoring {
  calls: number[] = [];
  constructor(private readonly worker: ScoringWorker) {}
  score(request: ScoreRequest) {
    this.calls.push(request.documents.length);
    return this.worker.score(request);
  }
  scoreMany(request: ScoreManyRequest) {
    this.calls.push(request.sets.reduce((n, s) => n + s.documents.length, 0));
    return this.worker.scoreMany(request);
  }
}

async function allBytes(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  return (await Promise.all(files.map((f) => readFile(f, 'latin1')))).join('\n');
}

describe('the scorer factory and the score cache', function () {
  this.timeout(120_000);
  let model: ModelSpec;
  let worker: ScoringWorker;
  let server: RerankServer | undefined;

  before(async () => {
    assertBuilt();
    model = { model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-models-')), allowRemote: false };
    worker = new ScoringWorker({ workerPath: WORKER });
  });
  after(() => worker.dispose());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const newCache = async () => new ScoreCache(await mkdtemp(join(tmpdir(), 'rl-scores-')));

  it('local: the second rerank of the same query scores nothing (the worker is not called) and returns identical scores', async () => {
    const counting = new CountingWorker(worker);
    const log: string[] = [];
    const spec: RerankerSpec = { kind: 'local', model };
    const scorer = createScorer(spec, { worker: () => counting, cache: await newCache(), log: (l) => log.push(l) });
    const first = await scorer(QUERY, DOCS, {});
    assert.equal(first.scoreKind, 'logit');
    assert.deepEqual(first.cache, { hits: 0, scored: DOCS.length });
    assert.deepEqual(counting.calls, [DOCS.length]);

    const seen = new Array<number>(DOCS.length).fill(Number.NaN);
    const again = await scorer(QUERY, DOCS, { onScores: (indices, scores) => indices.forEach((d, i) => (seen[d] = scores[i])) });
    assert.deepEqual(counting.calls, [DOCS.length], 'the worker was not called again');
    assert.deepEqual(again.scores, first.scores, 'a hit is the identical number');
    assert.deepEqual(seen, first.scores, 'cached scores are reported at once as partial scores');
    assert.deepEqual(again.cache, { hits: DOCS.length, scored: 0 });
    assert.match(log.at(-1)!, /all 40 scores cached; nothing to score/);

    // One new document and a new query: only what is missing is scored.
    const more = [...DOCS, 'A new chunk about sliding window attention.'];
    const third = await scorer(QUERY, more, {});
    assert.deepEqual(counting.calls, [DOCS.length, 1]);
    assert.deepEqual(third.scores.slice(0, DOCS.length), first.scores);
    await scorer('another query', DOCS.slice(0, 3), {});
    assert.deepEqual(counting.calls, [DOCS.length, 1, 3]);
  });

  it('local: scores each distinct text once and gives duplicates the same score', async () => {
    const counting = new CountingWorker(worker);
    const scorer = createScorer({ kind: 'local', model }, { worker: () => counting, cache: await newCache() });
    const docs = [DOCS[0], DOCS[1], DOCS[0], DOCS[2], DOCS[1]];
    const out = await scorer(QUERY, docs, {});
    assert.deepEqual(counting.calls, [3]);
    assert.equal(out.scores[0], out.scores[2]);
    assert.equal(out.scores[1], out.scores[4]);
  });

  it('TEI: remote scores equal the local ones; a rerun sends only GET /info; a redeployed model (new model_sha) is scored again', async () => {
    const local = await worker.score({ model, query: QUERY, documents: DOCS });
    server = await startRerankServer({ protocol: 'tei', apiKey: KEY, scorer: async (q, texts) => (await worker.score({ model, query: q, documents: texts })).scores });
    const scorer = createScorer({ kind: 'tei', url: server.url, apiKey: KEY }, { cache: await newCache() });
    const first = await scorer(QUERY, DOCS, {});
    assert.deepEqual(first.scores, local.scores);
    assert.equal(first.scoreKind, 'logit');
    assert.equal(posts(server).length, 2, '40 texts in requests of 32');

    server.reset();
    const again = await scorer(QUERY, DOCS, {});
    assert.deepEqual(again.scores, local.scores);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /info'], 'the server scored nothing');
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);

    server.reset();
    server.info.model_sha = 'ffffffffffffffffffffffffffffffffffffffff';
    await scorer(QUERY, DOCS, {});
    assert.equal(posts(server).length, 2, 'another model revision: every document scored again');
  });

  it('TEI without /info, and a Cohere-compatible server without a model name: nothing cached, and the log says why', async () => {
    server = await startRerankServer({ protocol: 'tei', info: null });
    const log: string[] = [];
    const tei = createScorer({ kind: 'tei', url: server.url }, { cache: await newCache(), log: (l) => log.push(l) });
    await tei(QUERY, DOCS.slice(0, 4), {});
    await tei(QUERY, DOCS.slice(0, 4), {});
    assert.equal(posts(server).length, 2);
    assert.match(log[0], /^Score cache not used: http:\/\/127\.0\.0\.1:\d+\/info did not say which model the server runs \(HTTP 404\)\.$/);
    await server.close();

    server = await startRerankServer({ protocol: 'cohere' });
    const cache = await newCache();
    const unnamed = createScorer({ kind: 'cohere', url: server.url }, { cache, log: (l) => log.push(l) });
    await unnamed(QUERY, DOCS.slice(0, 4), {});
    await unnamed(QUERY, DOCS.slice(0, 4), {});
    assert.equal(posts(server).length, 2);
    assert.match(log.at(-1)!, /no reranker model is set/);
    const named = createScorer({ kind: 'cohere', url: server.url, model: 'rerank-v3.5' }, { cache });
    const out = await named(QUERY, DOCS.slice(0, 4), {});
    const again = await named(QUERY, DOCS.slice(0, 4), {});
    assert.equal(posts(server).length, 3, 'with a model name the second run is cached');
    assert.deepEqual(again.scores, out.scores);
    assert.equal(again.scoreKind, 'probability', 'cached 0–1 scores are still probabilities');
    assert.deepEqual(out.scores, lexicalScorer(QUERY, DOCS.slice(0, 4)).map(sigmoid));
  });

  it('keeps what was scored before a cancel: the next run scores only the rest', async () => {
    server = await startRerankServer({ protocol: 'tei', maxTexts: 4 });
    server.setScenario({ kind: 'slow', delayMs: 150 });
    const cache = await newCache();
    const scorer = createScorer({ kind: 'tei', url: server.url, limits: { maxTexts: 4, concurrency: 1 } }, { cache });
    const abort = new AbortController();
    let reported = 0;
    const call: ScoreCall = { signal: abort.signal, onScores: (indices) => ((reported += indices.length), reported >= 8 && abort.abort()) };
    await assert.rejects(scorer(QUERY, DOCS, call), CancelledError);
    assert.ok(reported >= 8 && reported < DOCS.length, `stopped early (${reported} scored)`);
    server.reset();
    server.setScenario(undefined);
    const out = await scorer(QUERY, DOCS, {});
    const sent = posts(server).flatMap(textsOf);
    assert.equal(sent.length, DOCS.length - reported, 'only the documents without a score went to the server');
    assert.deepEqual(out.scores, lexicalScorer(QUERY, DOCS));
  });

  it('sends the top documents first: the first request holds the priority ones alone', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const scorer = createScorer({ kind: 'tei', url: server.url, limits: { concurrency: 1 } });
    await scorer(QUERY, DOCS, { priority: 5 });
    assert.deepEqual(posts(server).map((r) => textsOf(r).length), [5, 32, 3]);
    assert.deepEqual(textsOf(posts(server)[0]), DOCS.slice(0, 5));
  });

  it('local: the priority documents are scored first and their scores come back before the rest', async () => {
    const order: number[][] = [];
    const scorer = createScorer({ kind: 'local', model }, { worker: () => worker });
    const out = await scorer(QUERY, DOCS, { priority: 4, onScores: (indices) => void order.push([...indices]) });
    assert.ok(order.length >= 2, 'several partial messages');
    assert.deepEqual([...order[0]].sort((a, b) => a - b), [0, 1, 2, 3], 'the first scores are the priority documents');
    const seen = order.flat().sort((a, b) => a - b);
    assert.deepEqual(seen, DOCS.map((_, i) => i), 'every document reported once');
    assert.deepEqual(out.scores, (await worker.score({ model, query: QUERY, documents: DOCS })).scores, 'same scores as without priority');
  });

  it('never writes the API key into the cache or a log line', async () => {
    server = await startRerankServer({ protocol: 'voyage', apiKey: KEY });
    const dir = await mkdtemp(join(tmpdir(), 'rl-scores-'));
    const log: string[] = [];
    const scorer = createScorer({ kind: 'voyage', url: server.url, model: 'rerank-2.5', apiKey: KEY }, { cache: new ScoreCache(dir), log: (l) => log.push(l) });
    await scorer(QUERY, DOCS, {});
    await scorer(QUERY, DOCS, {});
    assert.equal(posts(server).length, 1);
    assert.ok(!(await allBytes(dir)).includes(KEY), 'not in the cache files');
    assert.ok(log.length > 0 && !log.join('\n').includes(KEY), 'not in the log');
  });
});
