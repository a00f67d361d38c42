import assert from 'node:assert/strict';
import { scoreRemote } from '../../src/core/rerankers/remote';
import { textBytes, splitByLimits } from '../../src/core/rerankers/remote/batches';
import { retryAfterSeconds, serverSaid } from '../../src/core/rerankers/remote/errors';
import { inInputOrder } from '../../src/core/rerankers/remote/protocols';
import { lexicalScorer, startRerankServer, type RerankServer } from '../support/rerank-servers';

const QUERY = 'What is the context size of Mixtral?';
const DOCS = [
  'Routing analysis shows experts specialise by syntax.',
  'Mixtral has a context size of 32k tokens.',
  'The router picks two experts per token.',
  'Mixtral context size: what it is and why it matters for Mixtral.',
  'Unrelated.',
];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const LOGITS = lexicalScorer(QUERY, DOCS);

describe('remote rerank protocols, over HTTP to loopback servers', () => {
  let server: RerankServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('TEI: posts {query, texts, raw_scores, truncate}, maps the score-sorted array back by index, labels logits', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const result = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: DOCS });
    assert.deepEqual(result.scores, LOGITS);
    assert.equal(result.scoreKind, 'logit');
    assert.equal(result.requests, 1);
    const [req] = server.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/rerank');
    assert.deepEqual(req.body, { query: QUERY, texts: DOCS, raw_scores: true, truncate: true });
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers.authorization, undefined, 'no key, no Authorization header');
    assert.notDeepEqual([...LOGITS].sort((a, b) => b - a), LOGITS, 'the server reply order differs from the input order');
  });

  it('Cohere family: posts {model, query, documents, top_n: all}, reads results[] of relevance_score as probabilities', async () => {
    server = await startRerankServer({ protocol: 'cohere', path: '/v2/rerank', apiKey: 'k-123' });
    const result = await scoreRemote({ kind: 'cohere', url: server.url, model: 'BAAI/bge-reranker-v2-m3', apiKey: 'k-123', query: QUERY, documents: DOCS });
    assert.deepEqual(result.scores, LOGITS.map(sigmoid));
    assert.equal(result.scoreKind, 'probability');
    const [req] = server.requests;
    assert.deepEqual(req.body, { model: 'BAAI/bge-reranker-v2-m3', query: QUERY, documents: DOCS, top_n: DOCS.length });
    assert.equal(req.headers.authorization, 'Bearer k-123');
  });

  it('Cohere family: accepts vLLM/Jina replies with documents, and Infinity\'s older data[]', async () => {
    for (const opts of [{ returnDocuments: true }, { listKey: 'data' as const }]) {
      server = await startRerankServer({ protocol: 'cohere', ...opts });
      const result = await scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents: DOCS });
      assert.deepEqual(result.scores, LOGITS.map(sigmoid), JSON.stringify(opts));
      assert.equal('model' in (server.requests[0].body ?? {}), false, 'no model given, none sent');
      await server.close();
    }
    server = undefined;
  });

  it('Cohere family: labels scores outside 0..1 (a server returning raw outputs) as logits, not probabilities', async () => {
    server = await startRerankServer({ protocol: 'cohere' });
    server.nextScenario({ kind: 'status', status: 200, body: { results: [{ index: 1, relevance_score: 3.5 }, { index: 0, relevance_score: -1.25 }] } });
    const result = await scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents: DOCS.slice(0, 2) });
    assert.deepEqual(result.scores, [-1.25, 3.5]);
    assert.equal(result.scoreKind, 'logit');
  });

  it('Voyage: posts {query, documents, model, top_k, truncation}, reads data[]', async () => {
    server = await startRerankServer({ protocol: 'voyage', apiKey: 'pa-xyz' });
    const result = await scoreRemote({ kind: 'voyage', url: server.url, model: 'rerank-2.5', apiKey: 'pa-xyz', query: QUERY, documents: DOCS });
    assert.deepEqual(result.scores, LOGITS.map(sigmoid));
    assert.equal(result.scoreKind, 'probability');
    assert.deepEqual(server.requests[0].body, { query: QUERY, documents: DOCS, model: 'rerank-2.5', top_k: DOCS.length, truncation: true });
    assert.equal(server.requests[0].headers.authorization, 'Bearer pa-xyz');
  });

  it('returns nothing, without a request, for no documents', async () => {
    server = await startRerankServer({ protocol: 'tei' });
    const result = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: [] });
    assert.deepEqual(result.scores, []);
    assert.equal(server.requests.length, 0);
  });
});

describe('remote rerank helpers', () => {
  it('puts a sorted reply back in input order', () => {
    assert.deepEqual(inInputOrder([{ index: 2, score: 9 }, { index: 0, score: 5 }, { index: 1, score: 1 }], 3), [5, 1, 9]);
  });
  it('refuses a reply with a missing, repeated or out-of-range index', () => {
    assert.match(String(inInputOrder([{ index: 0, score: 1 }], 2)), /1 of 2 documents came back without a score \(index 1 first\)/);
    assert.match(String(inInputOrder([{ index: 0, score: 1 }, { index: 0, score: 1 }], 2)), /index 0 came back twice/);
    assert.match(String(inInputOrder([{ index: 0, score: 1 }, { index: 2, score: 1 }], 2)), /index 2 is out of range for 2 documents/);
  });
  it('splits by texts and by body bytes, in order, a lone oversized text going alone', () => {
    assert.deepEqual(splitByLimits([10, 10, 10, 10, 10], 50, 2, 1000), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(splitByLimits([10, 10, 10, 10, 10], 50, 32, 75), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(splitByLimits([10, 500, 10], 50, 32, 100), [[0], [1], [2]]);
    assert.deepEqual(textBytes(['ab', 'é"']), [5, 7], 'JSON-encoded UTF-8 bytes plus a comma');
  });
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal(retryAfterSeconds('3', now), 3);
    assert.equal(retryAfterSeconds('Wed, 21 Oct 2026 07:28:07 GMT', now), 7);
    assert.equal(retryAfterSeconds('Wed, 21 Oct 2026 07:27:00 GMT', now), 0, 'a date in the past: no wait');
    assert.equal(retryAfterSeconds('soon', now), undefined);
    assert.equal(retryAfterSeconds(null, now), undefined);
  });
  it('reads what each server says in its own error shape, on one line, without the key', () => {
    assert.equal(serverSaid('{"error":"batch size 64 > maximum allowed batch size 32","error_type":"validation"}', undefined), 'batch size 64 > maximum allowed batch size 32');
    assert.equal(serverSaid('{"error":{"message":"Model not found","type":"NotFoundError","code":404}}', undefined), 'Model not found');
    assert.equal(serverSaid('{"detail":[{"loc":["body","documents"],"msg":"Field required"}]}', undefined), 'Field required');
    assert.equal(serverSaid('{"message":"invalid api token sk-secret-42"}', 'sk-secret-42'), 'invalid api token ***');
    assert.equal(serverSaid('line one\n  line two', undefined), 'line one line two');
    assert.equal(serverSaid('<html><h1>502</h1></html>', undefined), undefined);
    assert.equal(serverSaid('', undefined), undefined);
  });
});
