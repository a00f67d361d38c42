import assert from 'node:assert/strict';
import { isRemoteRerankError, scoreRemote, type RemoteRerankError } from '../../src/core/rerankers/remote';
import { lexicalScorer, startRerankServer, type RecordedRerankRequest, type RerankServer } from '../support/rerank-servers';

const QUERY = 'mixtral context size';
const docs = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => `doc ${i}: mixtral ${'context '.repeat(i % 4)}${'x'.repeat(pad)}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const texts = (r: RecordedRerankRequest) => ((r.body?.texts ?? r.body?.documents) as string[] | undefined)?.length ?? 0;

async function rejection(p: Promise<unknown>): Promise<RemoteRerankError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isRemoteRerankError(err), `a RemoteRerankError, not ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('remote rerank limits and batching', () => {
  let server: RerankServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('TEI: sends at most 32 texts a request by default, reporting progress and each request\'s scores', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const documents = docs(100);
    const progress: number[] = [];
    const partial = new Array<number>(100).fill(Number.NaN);
    const result = await scoreRemote({
      kind: 'tei',
      url: server.url,
      query: QUERY,
      documents,
      onProgress: (done, total) => (assert.equal(total, 100), progress.push(done)),
      onScores: (indices, scores) => indices.forEach((d, i) => (assert.ok(Number.isNaN(partial[d]), 'each document once'), (partial[d] = scores[i]))),
    });
    assert.deepEqual(result.scores, lexicalScorer(QUERY, documents));
    assert.deepEqual(partial, result.scores, 'the per-request scores add up to the result');
    assert.deepEqual(server.requests.map(texts).sort((a, b) => b - a), [32, 32, 32, 4]);
    assert.ok(server.requests.every((r) => r.status === 200));
    assert.equal(progress.length, 4);
    assert.ok(progress.every((d, i) => i === 0 || d > progress[i - 1]), 'progress only grows');
    assert.equal(progress.at(-1), 100);
  });

  it('keeps each request body within 2 MB (TEI --payload-limit) when the texts are big', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const documents = docs(24, 300_000); // 7.2 MB in all, 24 texts: only the byte limit splits them
    const result = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents });
    assert.deepEqual(result.scores, lexicalScorer(QUERY, documents));
    assert.ok(server.requests.length >= 4, `${server.requests.length} requests`);
    assert.ok(server.requests.every((r) => r.status === 200 && r.bytes <= 2_000_000), server.requests.map((r) => r.bytes).join());
  });

  it('honours caller limits on texts and concurrency', async () => {
    server = await startRerankServer({ protocol: 'cohere' });
    server.setScenario({ kind: 'slow', delayMs: 60 });
    const documents = docs(50);
    await scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents, limits: { maxTexts: 5, concurrency: 1 } });
    assert.equal(server.requests.length, 10);
    assert.ok(server.requests.every((r) => texts(r) === 5));
    assert.equal(server.maxInFlight, 1);
  });

  it('sends 4 requests at a time by default, never more', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    server.setScenario({ kind: 'slow', delayMs: 80 });
    await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: docs(320) });
    assert.equal(server.requests.length, 10);
    assert.equal(server.maxInFlight, 4);
  });

  it('Voyage: at most 1,000 documents a request, its documented limit', async () => {
    server = await startRerankServer({ protocol: 'voyage' });
    const documents = docs(2500);
    const result = await scoreRemote({ kind: 'voyage', url: server.url, model: 'rerank-2.5', query: QUERY, documents });
    assert.deepEqual(server.requests.map(texts).sort((a, b) => b - a), [1000, 1000, 500]);
    assert.deepEqual(result.scores, lexicalScorer(QUERY, documents).map(sigmoid));
  });

  for (const status of [422, 413] as const) {
    it(`TEI with --max-client-batch-size 8 (${status === 422 ? 'current' : 'older'} TEI: ${status}): drops to the limit it states, then succeeds`, async () => {
      server = await startRerankServer({ protocol: 'tei', maxTexts: 8, tooManyStatus: status });
      const documents = docs(100);
      const result = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents });
      assert.deepEqual(result.scores, lexicalScorer(QUERY, documents));
      assert.equal(result.textsPerRequest, 8);
      const refused = server.requests.filter((r) => r.status === status);
      assert.ok(refused.length >= 1 && refused.length <= 4, `${refused.length} refused requests (one per request in flight at most)`);
      assert.ok(refused.every((r) => texts(r) === 32));
      const accepted = server.requests.filter((r) => r.status === 200);
      assert.ok(accepted.every((r) => texts(r) <= 8));
      assert.equal(accepted.reduce((n, r) => n + texts(r), 0), 100, 'every document scored exactly once');
    });
  }

  it('Infinity-style 422 "at most N items": uses the stated N', async () => {
    server = await startRerankServer({ protocol: 'cohere', maxTexts: 50 });
    const documents = docs(120);
    const result = await scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents });
    assert.equal(result.textsPerRequest, 50);
    assert.deepEqual(result.scores, lexicalScorer(QUERY, documents).map(sigmoid));
    assert.equal(server.requests.filter((r) => r.status === 422).length, 1);
  });

  it('a 413 that states no limit (a smaller payload limit): halves until requests fit', async () => {
    server = await startRerankServer({ protocol: 'tei', maxBytes: 3_000 });
    const documents = docs(64, 170); // ~200 bytes each: 16 do not fit in 3 kB, 8 do
    const result = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents, limits: { concurrency: 1 } });
    assert.deepEqual(result.scores, lexicalScorer(QUERY, documents));
    assert.equal(result.textsPerRequest, 8, '32 → 16 → 8');
    assert.deepEqual(server.requests.slice(0, 3).map((r) => [texts(r), r.status]), [[32, 413], [16, 413], [8, 200]]);
  });

  it('one text larger than the server takes: a too-large error naming the document, URL and status', async () => {
    server = await startRerankServer({ protocol: 'tei', maxBytes: 2_000 });
    const documents = ['short', 'y'.repeat(5_000), 'short too'];
    const err = await rejection(scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents, limits: { concurrency: 1 } }));
    assert.equal(err.code, 'too-large');
    assert.equal(err.status, 413);
    assert.ok(err.message.includes(server.url), err.message);
    assert.match(err.message, /document #2 \(6 kB\).*HTTP 413.*length limit exceeded.*--payload-limit/);
    assert.doesNotMatch(err.message, /\n/);
  });

  it('a 422 that is not about size (a body the server cannot read) is a protocol error, at once', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    server.setScenario({ kind: 'status', status: 422, text: 'Failed to deserialize the JSON body into the target type: missing field `texts` at line 1 column 40' });
    const err = await rejection(scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: docs(40) }));
    assert.equal(err.code, 'protocol');
    assert.match(err.message, /rejected the request \(HTTP 422\).*missing field `texts`.*reranker type/);
    assert.ok(server.requests.length <= 2, 'no halving for it');
  });

  it('a Cohere-family client pointed at TEI says the type does not match', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const err = await rejection(scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents: docs(3) }));
    assert.equal(err.code, 'protocol');
    assert.match(err.message, /HTTP 422.*missing field `texts`/);
  });
});
