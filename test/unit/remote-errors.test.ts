import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isRemoteRerankError, scoreRemote, type RemoteRerankError, type RemoteRerankRequest } from '../../src/core/rerankers/remote';
import { startRerankServer, type RerankServer } from '../support/rerank-servers';

const KEY = 'sk-test-SECRET-4242';
const QUERY = 'mixtral context size';
const DOCS = ['mixtral context', 'router experts', 'context size of mixtral', 'nothing'];
const FAST = { baseDelayMs: 20, maxRetryDelayMs: 5_000 };

async function rejection(p: Promise<unknown>): Promise<RemoteRerankError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isRemoteRerankError(err), `a RemoteRerankError, not ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    assert.ok(!err.message.includes(KEY) && !err.message.includes('SECRET'), `no key in: ${err.message}`);
    assert.doesNotMatch(err.message, /\bat .*\.(ts|js):\d+/, 'no stack');
    return err;
  }
  assert.fail('expected a rejection');
}

async function freePortNobodyListensOn(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('remote rerank errors, retries, timeouts and cancellation', function () {
  this.timeout(20_000);
  let server: RerankServer;
  const call = (over: Partial<RemoteRerankRequest> = {}) =>
    scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: DOCS, ...over, limits: { ...FAST, ...over.limits } });
  beforeEach(async () => (server = await startRerankServer({ protocol: 'tei', apiKey: KEY })));
  afterEach(() => server.close());

  it('401 without a key: says the URL needs one, and how to set it', async () => {
    const err = await rejection(call());
    assert.equal(err.code, 'unauthorized');
    assert.equal(err.status, 401);
    assert.equal(err.message, `${server.url} requires an API key (HTTP 401): set the reranker API key (editor: "Rerank Lens: Set Reranker API Key"; CLI: RERANK_API_KEY).`);
    assert.equal(server.requests[0].headers.authorization, undefined);
  });

  it('401 with a wrong key: says it was rejected, never shows it (even when the server echoes it)', async () => {
    await server.close();
    server = await startRerankServer({ protocol: 'voyage', apiKey: KEY });
    const wrong = await rejection(scoreRemote({ kind: 'voyage', url: server.url, model: 'rerank-2.5', apiKey: 'sk-wrong-SECRET-1', query: QUERY, documents: DOCS }));
    assert.equal(wrong.code, 'unauthorized');
    assert.equal(
      wrong.message,
      `${server.url} rejected the API key (HTTP 401). The server said: "Provided API key is invalid." Check it, then set the reranker API key (editor: "Rerank Lens: Set Reranker API Key"; CLI: RERANK_API_KEY).`,
    );
    await server.close();
    server = await startRerankServer({ protocol: 'voyage' });
    server.nextScenario({ kind: 'status', status: 401, body: { detail: 'Provided API key sk-wrong-SECRET-1 is invalid.' } });
    const err = await rejection(scoreRemote({ kind: 'voyage', url: server.url, model: 'rerank-2.5', apiKey: 'sk-wrong-SECRET-1', query: QUERY, documents: DOCS }));
    assert.match(err.message, /The server said: "Provided API key \*\*\* is invalid\."/);
    assert.equal(server.requests[0].headers.authorization, 'Bearer sk-wrong-SECRET-1', 'the key goes only in the Authorization header');
    assert.ok(!JSON.stringify(server.requests[0].body).includes('SECRET'), 'and never in the body');
  });

  it('403: unauthorized, naming the model', async () => {
    server.nextScenario({ kind: 'status', status: 403, body: { message: 'forbidden' } });
    const err = await rejection(call({ apiKey: KEY, model: 'bge-reranker' }));
    assert.equal(err.code, 'unauthorized');
    assert.match(err.message, /refused access \(HTTP 403\).*the model "bge-reranker"/);
  });

  it('404: a protocol error that says where servers of this kind listen', async () => {
    const err = await rejection(call({ apiKey: KEY, url: `${server.origin}/v1/rerank` }));
    assert.equal(err.code, 'protocol');
    assert.equal(err.message, `${server.origin}/v1/rerank has no rerank endpoint (HTTP 404). Check the URL: TEI serves POST /rerank.`);
  });

  it('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
    server.nextScenario({ kind: 'overloaded', retryAfter: 1 });
    const t0 = performance.now();
    const result = await call({ apiKey: KEY });
    assert.ok(performance.now() - t0 >= 950, 'waited for Retry-After');
    assert.equal(result.scores.length, DOCS.length);
    assert.deepEqual(server.requests.map((r) => r.status), [429, 200]);
    assert.equal(result.requests, 2);
  });

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    const at = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000); // HTTP dates have whole seconds
    server.nextScenario({ kind: 'overloaded', retryAfter: at.toUTCString() });
    await call({ apiKey: KEY });
    const [first, second] = server.requests;
    assert.equal(first.status, 429);
    assert.equal(second.status, 200);
    assert.ok(Date.now() >= at.getTime() - 50, 'not retried before the date');
  });

  it('429 again and again: gives up after the retries, as rate-limited', async () => {
    server.setScenario({ kind: 'overloaded', retryAfter: 0 });
    const err = await rejection(call({ apiKey: KEY, limits: { retries: 2 } }));
    assert.equal(err.code, 'rate-limited');
    assert.equal(err.message, `${server.url} is rate limiting (HTTP 429) after 2 retries. The server said: "Model is overloaded". Try again in a moment, or send fewer requests at once.`);
    assert.equal(server.requests.length, 3);
  });

  it('429 asking for longer than we wait: fails at once, saying how long', async () => {
    server.setScenario({ kind: 'overloaded', retryAfter: 120 });
    const err = await rejection(call({ apiKey: KEY }));
    assert.equal(err.code, 'rate-limited');
    assert.equal(err.retryAfterSeconds, 120);
    assert.match(err.message, /HTTP 429.*It asks to wait 120 s; try again then/);
    assert.equal(server.requests.length, 1);
  });

  it('503 without Retry-After: backs off and retries; a 500 is not retried', async () => {
    server.nextScenario({ kind: 'overloaded', status: 503, retryAfter: null }, { kind: 'overloaded', status: 503, retryAfter: null });
    const ok = await call({ apiKey: KEY });
    assert.equal(ok.requests, 3);
    server.reset();
    server.nextScenario({ kind: 'server-error', status: 500 });
    const err = await rejection(call({ apiKey: KEY }));
    assert.equal(err.code, 'server');
    assert.equal(err.message, `${server.url} failed with a server error (HTTP 500). The server said: "Inference failed". Check the server's log, then try again.`);
    assert.equal(server.requests.length, 1);
  });

  it('503 for good: a server error saying it may still be loading', async () => {
    server.setScenario({ kind: 'overloaded', status: 503, retryAfter: 0 });
    const err = await rejection(call({ apiKey: KEY, limits: { retries: 1 } }));
    assert.equal(err.code, 'server');
    assert.match(err.message, /is unavailable \(HTTP 503\) after 1 retry.*still be loading the model/);
  });

  it('a server that never answers: a timeout, and the request is closed', async () => {
    server.setScenario({ kind: 'hang' });
    const err = await rejection(call({ apiKey: KEY, limits: { timeoutMs: 300 } }));
    assert.equal(err.code, 'timeout');
    assert.equal(err.message, `${server.url} did not answer within 300 ms. The server may be overloaded or still loading the model; try again, send fewer documents per request, or raise the timeout.`);
    assert.equal(await server.requests[0].closed, 'client-closed');
  });

  for (const when of ['before-headers', 'mid-body'] as const) {
    it(`a connection cut ${when}: retried once, then "unreachable" with the reason`, async () => {
      server.nextScenario({ kind: 'cut', when });
      const ok = await call({ apiKey: KEY });
      assert.equal(ok.scores.length, DOCS.length);
      assert.deepEqual(server.requests.map((r) => r.outcome), ['server-cut', 'finished']);
      server.reset();
      server.setScenario({ kind: 'cut', when });
      const err = await rejection(call({ apiKey: KEY }));
      assert.equal(err.code, 'unreachable');
      assert.equal(err.message, `Could not get an answer from ${server.url} (connection closed by the server). Check that the reranking server is running and the URL is right.`);
      assert.equal(server.requests.length, 2);
    });
  }

  it('nothing listening: unreachable, connection refused', async () => {
    const url = `http://127.0.0.1:${await freePortNobodyListensOn()}/rerank`;
    const err = await rejection(call({ url }));
    assert.equal(err.code, 'unreachable');
    assert.equal(err.message, `Could not get an answer from ${url} (connection refused). Check that the reranking server is running and the URL is right.`);
  });

  it('cancel: aborts every request in flight (the server sees the connections close) and sends no more', async () => {
    server.setScenario({ kind: 'hang' });
    const ctl = new AbortController();
    const pending = call({ apiKey: KEY, documents: Array.from({ length: 200 }, (_, i) => `doc ${i}`), signal: ctl.signal });
    while (server.requests.length < 4) await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    const err = await rejection(pending);
    assert.equal(err.code, 'cancelled');
    assert.equal(err.message, `Reranking with ${server.url} was cancelled.`);
    assert.deepEqual(await Promise.all(server.requests.map((r) => r.closed)), ['client-closed', 'client-closed', 'client-closed', 'client-closed']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.requests.length, 4, 'no request after the cancel');
  });

  it('cancel while waiting to retry: stops at once', async () => {
    server.setScenario({ kind: 'overloaded', retryAfter: 4 });
    const ctl = new AbortController();
    const pending = call({ apiKey: KEY, signal: ctl.signal });
    while (server.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    ctl.abort();
    assert.equal((await rejection(pending)).code, 'cancelled');
    assert.ok(performance.now() - t0 < 1000, 'did not sit out the Retry-After');
    assert.equal(server.requests.length, 1);
  });

  it('an already-aborted signal: cancelled, no request', async () => {
    const err = await rejection(call({ apiKey: KEY, signal: AbortSignal.abort() }));
    assert.equal(err.code, 'cancelled');
    assert.equal(server.requests.length, 0);
  });

  it('one failed request stops the others in flight', async () => {
    server.nextScenario({ kind: 'server-error', status: 500, delayMs: 300 }); // once the others have arrived
    server.setScenario({ kind: 'hang' });
    const err = await rejection(call({ apiKey: KEY, documents: Array.from({ length: 128 }, (_, i) => `doc ${i}`) }));
    assert.equal(err.code, 'server');
    const others = server.requests.slice(1);
    assert.ok(others.length >= 1);
    assert.ok((await Promise.all(others.map((r) => r.closed))).every((o) => o === 'client-closed'));
  });

  const broken = {
    'not-json': /answered HTTP 200 with something that is not JSON\. Check that the URL is the text-embeddings-inference \/rerank endpoint/,
    'wrong-shape': /answered HTTP 200 but not as text-embeddings-inference \/rerank: expected a JSON array of \{index, score\}\. Check that the reranker type/,
    'drop-index': /1 of 4 documents came back without a score/,
    'duplicate-index': /came back twice/,
    'out-of-range': /index 9 is out of range for 4 documents/,
    'string-score': /result 0 has no numeric "score"/,
  } as const;
  for (const [how, expected] of Object.entries(broken)) {
    it(`a 200 reply that breaks the protocol (${how}): a protocol error`, async () => {
      server.nextScenario({ kind: 'bad-reply', how: how as keyof typeof broken });
      const err = await rejection(call({ apiKey: KEY }));
      assert.equal(err.code, 'protocol');
      assert.match(err.message, expected);
      assert.ok(err.message.startsWith(server.url));
    });
  }

  it('vLLM\'s 400 for a document beyond the model\'s length: too-large, saying to shorten or truncate', async () => {
    await server.close();
    server = await startRerankServer({ protocol: 'cohere' });
    const said = "This model's maximum context length is 512 tokens. However, you requested 613 tokens in the input for embedding generation. Please reduce the length of the input.";
    server.nextScenario({ kind: 'status', status: 400, body: { error: { message: said, type: 'BadRequestError', param: null, code: 400 } } });
    const err = await rejection(scoreRemote({ kind: 'cohere', url: server.url, query: QUERY, documents: DOCS }));
    assert.equal(err.code, 'too-large');
    assert.equal(err.message, `${server.url} rejected a document as longer than the model takes (HTTP 400). The server said: "${said}" Shorten the chunks, or let the server truncate (TEI does; vLLM needs truncate_prompt_tokens).`);
  });

  it('TEI pointed at a Cohere-style server: says which reply it got', async () => {
    await server.close();
    server = await startRerankServer({ protocol: 'cohere', path: '/rerank' });
    server.nextScenario({ kind: 'status', status: 200, body: { results: [{ index: 0, relevance_score: 0.5 }] } });
    const err = await rejection(call({ documents: ['a'] }));
    assert.match(err.message, /looks like a Cohere\/Voyage-style reply/);
  });

  it('a redirect is not followed (the key stays here) and names where it points, without its query', async () => {
    const other = await startRerankServer({ protocol: 'tei' });
    try {
      server.nextScenario({ kind: 'status', status: 307, headers: { location: `${other.url}?token=abc` } });
      const err = await rejection(call({ apiKey: KEY }));
      assert.equal(err.code, 'protocol');
      assert.equal(err.message, `${server.url} redirects to ${other.url} (HTTP 307). Set the reranker URL to the final address; requests (and the API key) are not sent on across redirects.`);
      assert.equal(other.requests.length, 0);
    } finally {
      await other.close();
    }
  });

  it('bad settings: a non-http URL, credentials in the URL, Voyage without a model, a key with a line break', async () => {
    const ftp = await rejection(call({ url: 'ftp://user:pw-SECRET@host/rerank?k=1' }));
    assert.equal(ftp.code, 'bad-config');
    assert.equal(ftp.message, 'The reranker URL "ftp://host/rerank" is not an http(s) URL: set the full endpoint, e.g. http://localhost:8080/rerank.');
    const creds = await rejection(call({ url: `http://me:pw-SECRET@127.0.0.1:${new URL(server.url).port}/rerank` }));
    assert.equal(creds.code, 'bad-config');
    assert.equal(creds.message, `The reranker URL ${server.url} must not contain a user name or password: remove them and set the API key instead.`);
    const query = await rejection(call({ url: `${server.origin}/nope?api_key=SECRET` }));
    assert.equal(query.message, `${server.origin}/nope has no rerank endpoint (HTTP 404). Check the URL: TEI serves POST /rerank.`, 'origin + path only');
    const voyage = await rejection(scoreRemote({ kind: 'voyage', url: server.url, query: QUERY, documents: DOCS }));
    assert.equal(voyage.code, 'bad-config');
    assert.match(voyage.message, /Voyage needs a model name/);
    const key = await rejection(call({ apiKey: `${KEY}\nX-Injected: 1` }));
    assert.equal(key.code, 'bad-config');
    assert.match(key.message, /API key .* contains a space, line break or non-ASCII character/);
    assert.deepEqual(server.requests.map((r) => r.path), ['/nope'], 'only the 404 was sent');
  });
});
