import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ChatError, isChatError, streamChat, type ChatErrorKind, type ChatResult, type ChatSettings } from '../../src/core/ask/chat';
import { buildMessages, type ChatMessage } from '../../src/core/ask/prompt';
import { DEFAULT_REPLY, startOpenAIServer, type OpenAIServer } from '../support/openai-server';

// The real `openai` SDK over HTTP against the loopback server in test/support/openai-server.ts.

const KEY = 'sk-test-0123456789abcdefSECRET';
const MESSAGES: ChatMessage[] = buildMessages('What is a cross-encoder?', [
  { id: 1, text: 'A cross-encoder reads the query and the document together.' },
  { id: 2, text: 'Bi-encoders embed them separately.' },
]);

async function ask(settings: ChatSettings, signal?: AbortSignal): Promise<ChatResult & { deltas: string[] }> {
  const deltas: string[] = [];
  const result = await streamChat(settings, MESSAGES, { signal, onDelta: (d) => deltas.push(d) });
  return { ...result, deltas };
}

async function fails(settings: ChatSettings, kind: ChatErrorKind, signal?: AbortSignal): Promise<ChatError & { deltas: string[] }> {
  const deltas: string[] = [];
  try {
    await streamChat(settings, MESSAGES, { signal, onDelta: (d) => deltas.push(d) });
  } catch (err) {
    assert.ok(err instanceof ChatError, `expected a ChatError, got ${String(err)}`);
    assert.ok(isChatError(err));
    assert.equal(err.kind, kind, `expected kind ${kind}, got ${err.kind}: ${err.message}`);
    assert.ok(!err.message.includes(KEY), `the message leaks the key: ${err.message}`);
    assert.ok(!err.message.includes('SECRET'), `the message leaks part of the key: ${err.message}`);
    return Object.assign(err, { deltas });
  }
  assert.fail(`expected a ${kind} ChatError`);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('chat client (openai SDK against a loopback server)', function () {
  this.timeout(20_000);
  let server: OpenAIServer;
  let base: ChatSettings;

  before(async () => {
    server = await startOpenAIServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    base = { baseURL: server.url, model: 'test-model', apiKey: KEY, maxRetries: 0, timeoutMs: 5000 };
  });

  it('streams the deltas in order and returns the joined text, finish reason, model and usage', async () => {
    const r = await ask(base);
    assert.ok(r.deltas.length > 5, `expected several deltas, got ${r.deltas.length}`);
    assert.equal(r.deltas.join(''), DEFAULT_REPLY);
    assert.equal(r.text, DEFAULT_REPLY);
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.model, 'test-model');
    assert.ok(r.usage && r.usage.promptTokens > 0 && r.usage.completionTokens === r.deltas.length, JSON.stringify(r.usage));
  });

  it('sends model, messages, temperature, max_tokens, stream and stream_options', async () => {
    await ask({ ...base, temperature: 0.2, maxTokens: 256 });
    const [req] = server.chatRequests();
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body?.model, 'test-model');
    assert.deepEqual(req.body?.messages, MESSAGES);
    assert.equal(req.body?.temperature, 0.2);
    assert.equal(req.body?.max_tokens, 256);
    assert.equal(req.body?.stream, true);
    assert.deepEqual(req.body?.stream_options, { include_usage: true });
  });

  it('leaves temperature and max_tokens out when they are not set', async () => {
    await ask(base);
    const body = server.chatRequests()[0].body ?? {};
    assert.ok(!('temperature' in body) && !('max_tokens' in body) && !('max_completion_tokens' in body), JSON.stringify(body));
  });

  it('sends the key as a bearer token, and no Authorization header at all without a key', async () => {
    await ask(base);
    await ask({ ...base, apiKey: undefined });
    await ask({ ...base, apiKey: '  ' });
    const [withKey, withoutKey, blankKey] = server.chatRequests();
    assert.equal(withKey.headers.authorization, `Bearer ${KEY}`);
    assert.equal(withoutKey.headers.authorization, undefined);
    assert.equal(blankKey.headers.authorization, undefined);
  });

  it('does not send OPENAI_ADMIN_KEY / OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_ADMIN_KEY: 'sk-admin-env', OPENAI_ORG_ID: 'org-env', OPENAI_PROJECT_ID: 'proj-env', OPENAI_API_KEY: 'sk-env' });
    try {
      await ask({ ...base, apiKey: undefined });
      await ask(base);
    } finally {
      for (const k of ['OPENAI_ADMIN_KEY', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_API_KEY']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    const [noKey, withKey] = server.chatRequests();
    assert.equal(noKey.headers.authorization, undefined);
    assert.equal(withKey.headers.authorization, `Bearer ${KEY}`);
    for (const r of [noKey, withKey]) {
      assert.equal(r.headers['openai-organization'], undefined);
      assert.equal(r.headers['openai-project'], undefined);
    }
  });

  it('works against a base URL without /v1 and with a trailing slash', async () => {
    const r = await ask({ ...base, baseURL: `${server.origin}/` });
    assert.equal(r.text, DEFAULT_REPLY);
    assert.equal(server.chatRequests()[0].path, '/chat/completions');
  });

  it('keeps a slow stream coming chunk by chunk', async () => {
    server.setScenario({ kind: 'reply', chunks: ['one ', 'two ', 'three'], delayMs: 120 });
    const times: number[] = [];
    const start = Date.now();
    const r = await streamChat(base, MESSAGES, { onDelta: () => times.push(Date.now() - start) });
    assert.equal(r.text, 'one two three');
    assert.equal(times.length, 3);
    assert.ok(times[2] - times[0] >= 180, `deltas arrived together: ${times.join(', ')}`);
  });

  it('reports finish_reason "length" as a normal result', async () => {
    server.setScenario({ kind: 'reply', text: 'truncated answer', finishReason: 'length' });
    const r = await ask(base);
    assert.equal(r.finishReason, 'length');
    assert.equal(r.text, 'truncated answer');
  });

  describe('errors', () => {
    it('401 → auth, naming the Set API Key command', async () => {
      server.setScenario('unauthorized');
      const err = await fails(base, 'auth');
      assert.equal(err.status, 401);
      assert.match(err.message, /rejected \(401\).*"Rerank Lens: Set API Key"/);
    });

    it('401 without a key → auth, asking for one', async () => {
      const keyed = await startOpenAIServer({ apiKey: 'server-key' });
      try {
        const err = await fails({ ...base, baseURL: keyed.url, apiKey: undefined }, 'auth');
        assert.match(err.message, /requires an API key \(401\).*Set API Key/);
        assert.equal(keyed.chatRequests().length, 1, 'a 401 must not be retried');
      } finally {
        await keyed.close();
      }
    });

    it('403 → auth, with the server message', async () => {
      server.setScenario('forbidden');
      const err = await fails(base, 'auth');
      assert.equal(err.status, 403);
      assert.match(err.message, /403.*not allowed to sample.*Set API Key/);
    });

    it('404 → model-not-found, naming the model and the base URL', async () => {
      const err = await fails({ ...base, model: 'no-such-model' }, 'model-not-found');
      assert.equal(err.status, 404);
      assert.ok(err.message.includes('"no-such-model"'), err.message);
      assert.ok(err.message.includes(server.url), err.message);
      assert.match(err.message, /Check the model name/);
    });

    it('404 of a wrong path (non-JSON body) → model-not-found mentioning the base URL', async () => {
      server.setScenario({ kind: 'error', status: 404, rawBody: '404 page not found' });
      const err = await fails(base, 'model-not-found');
      assert.match(err.message, /404 page not found/);
      assert.match(err.message, /base URL is the API root/);
    });

    it('Ollama-style error body {"error": "…"} is quoted without JSON escapes', async () => {
      server.setScenario({ kind: 'error', status: 404, rawBody: JSON.stringify({ error: 'model "llama9" not found, try pulling it first' }) });
      const err = await fails({ ...base, model: 'llama9' }, 'model-not-found');
      assert.ok(err.message.includes('model "llama9" not found, try pulling it first'), err.message);
    });

    it('429 → rate-limit with retryAfterSeconds from retry-after (no retry with maxRetries 0)', async () => {
      server.setScenario({ kind: 'rate-limit', retryAfter: 7 });
      const err = await fails(base, 'rate-limit');
      assert.equal(err.status, 429);
      assert.equal(err.retryAfterSeconds, 7);
      assert.match(err.message, /Try again in 7 s/);
      assert.equal(server.chatRequests().length, 1);
    });

    it('429 with an HTTP-date retry-after', async () => {
      server.setScenario({ kind: 'rate-limit', retryAfter: new Date(Date.now() + 30_000).toUTCString() });
      const err = await fails(base, 'rate-limit');
      assert.ok(err.retryAfterSeconds !== undefined && err.retryAfterSeconds >= 28 && err.retryAfterSeconds <= 31, String(err.retryAfterSeconds));
    });

    it('429 insufficient_quota → rate-limit about billing', async () => {
      server.setScenario({ kind: 'rate-limit', quota: true });
      const err = await fails(base, 'rate-limit');
      assert.match(err.message, /quota.*billing/);
    });

    it('the SDK retries a 429 after retry-after, then succeeds', async () => {
      server.nextScenario({ kind: 'rate-limit', retryAfter: 1 });
      const start = Date.now();
      const r = await ask({ ...base, maxRetries: 1 });
      assert.equal(r.text, DEFAULT_REPLY);
      assert.equal(server.chatRequests().length, 2);
      assert.ok(Date.now() - start >= 900, 'the retry should wait for retry-after');
      assert.equal(server.chatRequests()[1].headers['x-stainless-retry-count'], '1');
    });

    it('500 → server (retried once by default, then reported)', async () => {
      server.setScenario('server-error');
      const err = await fails({ ...base, maxRetries: undefined }, 'server');
      assert.equal(err.status, 500);
      assert.match(err.message, /server error \(500\).*Try again later/);
      assert.equal(server.chatRequests().length, 2, 'default maxRetries is 1');
    });

    it('400 → bad-request with the server message', async () => {
      server.setScenario({ kind: 'bad-request', message: "This model's maximum context length is 8192 tokens.", param: 'messages', code: 'context_length_exceeded' });
      const err = await fails(base, 'bad-request');
      assert.equal(err.status, 400);
      assert.match(err.message, /maximum context length is 8192 tokens/);
    });

    it("retries with max_completion_tokens when the model rejects max_tokens", async () => {
      server.nextScenario({
        kind: 'bad-request',
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        param: 'max_tokens',
        code: 'unsupported_parameter',
      });
      const r = await ask({ ...base, maxTokens: 100 });
      assert.equal(r.text, DEFAULT_REPLY);
      const [first, second] = server.chatRequests();
      assert.equal(first.body?.max_tokens, 100);
      assert.equal(second.body?.max_tokens, undefined);
      assert.equal(second.body?.max_completion_tokens, 100);
    });

    it('retries without temperature when the model only supports the default', async () => {
      server.nextScenario({
        kind: 'bad-request',
        message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        param: 'temperature',
        code: 'unsupported_value',
      });
      await ask({ ...base, temperature: 0.2 });
      const [, second] = server.chatRequests();
      assert.equal(second.body?.temperature, undefined);
    });

    it('does not drop max_tokens when it is merely too large', async () => {
      server.setScenario({ kind: 'bad-request', message: 'max_tokens is too large: 100000. This model supports at most 4096 completion tokens.', param: 'max_tokens', code: 'invalid_value' });
      const err = await fails({ ...base, maxTokens: 100_000 }, 'bad-request');
      assert.match(err.message, /too large/);
      assert.equal(server.chatRequests().length, 1);
    });

    it('redacts the key from server messages', async () => {
      server.setScenario({ kind: 'bad-request', message: `Bad key ${KEY} in header Bearer ${KEY}` });
      const err = await fails(base, 'bad-request');
      assert.match(err.message, /Bad key \*\*\* in header Bearer \*\*\*/);
    });

    it('hang → timeout after timeoutMs', async () => {
      server.setScenario('hang');
      const start = Date.now();
      const err = await fails({ ...base, timeoutMs: 300 }, 'timeout');
      const took = Date.now() - start;
      assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
      assert.match(err.message, /did not start answering within 300 ms\./);
    });

    it('hang with a retry → timeout after both attempts, saying so', async () => {
      server.setScenario('hang');
      const err = await fails({ ...base, timeoutMs: 200, maxRetries: 1 }, 'timeout');
      assert.match(err.message, /within 200 ms \(2 attempts\)/);
      assert.equal(server.chatRequests().length, 2);
    });

    it('a stream that stalls mid-answer → timeout, with the partial text', async () => {
      server.setScenario({ kind: 'stall', chunks: ['a ', 'b ', 'c ', 'd'], afterChunks: 2 });
      const err = await fails({ ...base, timeoutMs: 400 }, 'timeout');
      assert.equal(err.partial, 'a b ');
      assert.deepEqual(err.deltas, ['a ', 'b ']);
      assert.match(err.message, /stopped sending.*partial answer is kept/);
    });

    it('network down (closed port) → network, naming the base URL', async () => {
      const url = `http://127.0.0.1:${await closedPort()}/v1`;
      const err = await fails({ ...base, baseURL: url }, 'network');
      assert.ok(err.message.includes(url), err.message);
      assert.match(err.message, /connection refused/);
    });

    it('unknown host → network', async () => {
      const err = await fails({ ...base, baseURL: 'http://rerank-lens-no-such-host.invalid/v1' }, 'network');
      assert.match(err.message, /Could not connect to http:\/\/rerank-lens-no-such-host\.invalid\/v1/);
    });

    it('a base URL that is not http(s) → network, before any request', async () => {
      const err = await fails({ ...base, baseURL: 'localhost:11434' }, 'network');
      assert.match(err.message, /not an http\(s\) URL/);
    });

    it('user name and password in the base URL stay out of messages', async () => {
      const url = `http://user:pa55word@127.0.0.1:${await closedPort()}/v1`;
      const err = await fails({ ...base, baseURL: url }, 'network');
      assert.ok(!err.message.includes('pa55word'), err.message);
    });

    it('stream cut halfway (socket destroyed) → stream-cut, keeping the partial text', async () => {
      server.setScenario({ kind: 'cut', chunks: ['The ', 'answer ', 'is ', 'forty-two.'], afterChunks: 2 });
      const err = await fails(base, 'stream-cut');
      assert.equal(err.partial, 'The answer ');
      assert.deepEqual(err.deltas, ['The ', 'answer ']);
      assert.match(err.message, /partial answer is kept/);
      assert.equal(server.chatRequests().length, 1, 'a started stream is never retried');
    });

    it('stream ended cleanly without finish_reason or [DONE] → stream-cut', async () => {
      server.setScenario({ kind: 'cut', chunks: ['a ', 'b ', 'c'], afterChunks: 2, mode: 'end' });
      const err = await fails(base, 'stream-cut');
      assert.equal(err.partial, 'a b ');
    });

    it('an error event inside the stream → server, keeping the partial text', async () => {
      server.setScenario({ kind: 'stream-error', chunks: ['a ', 'b ', 'c'], afterChunks: 1, message: 'The model crashed.' });
      const err = await fails(base, 'server');
      assert.equal(err.partial, 'a ');
      assert.match(err.message, /The model crashed\./);
    });

    it('abort mid-stream → cancelled quickly, and the server sees the connection closed', async () => {
      server.setScenario({ kind: 'reply', text: 'one two three four five six seven eight', delayMs: 200 });
      const controller = new AbortController();
      let abortedAt = 0;
      const deltas: string[] = [];
      const promise = streamChat(base, MESSAGES, {
        signal: controller.signal,
        onDelta: (d) => {
          deltas.push(d);
          if (deltas.length === 2) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      });
      const err = await promise.then(
        () => assert.fail('expected a cancellation'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ChatError && err.kind === 'cancelled', String(err));
      assert.ok(Date.now() - abortedAt < 150, `cancelling took ${Date.now() - abortedAt} ms`);
      assert.equal(err.partial, 'one two ');
      const [req] = server.chatRequests();
      const outcome = await Promise.race([req.closed, new Promise((r) => setTimeout(() => r('still open'), 2000))]);
      assert.equal(outcome, 'client-closed');
    });

    it('abort before the response starts → cancelled, and the request is dropped', async () => {
      server.setScenario('hang');
      const controller = new AbortController();
      const promise = fails(base, 'cancelled', controller.signal);
      await server.waitForChatRequests(1);
      controller.abort();
      const err = await promise;
      assert.equal(err.partial, '');
      assert.equal(await server.chatRequests()[0].closed, 'client-closed');
    });

    it('an already aborted signal → cancelled without a request', async () => {
      await fails(base, 'cancelled', AbortSignal.abort());
      assert.equal(server.chatRequests().length, 0);
    });

    it('an error thrown by onDelta aborts the request and is rethrown as is', async () => {
      server.setScenario({ kind: 'reply', delayMs: 50 });
      const boom = new Error('renderer gone');
      await assert.rejects(
        streamChat(base, MESSAGES, {
          onDelta: () => {
            throw boom;
          },
        }),
        (e) => e === boom,
      );
      assert.equal(await server.chatRequests()[0].closed, 'client-closed');
    });
  });

  describe('the test server itself', () => {
    it('answers non-streaming requests and lists models', async () => {
      const res = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      const json = (await res.json()) as { object: string; choices: { message: { content: string }; finish_reason: string }[] };
      assert.equal(json.object, 'chat.completion');
      assert.equal(json.choices[0].message.content, DEFAULT_REPLY);
      assert.equal(json.choices[0].finish_reason, 'stop');
      const models = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
      assert.ok(models.data.some((m) => m.id === 'test-model'));
      assert.ok(models.data.some((m) => m.id === 'test-rate-limit'));
    });

    it('picks scenarios by model name, and one-shot scenarios before the standing one', async () => {
      await fails({ ...base, model: 'test-unauthorized' }, 'auth');
      server.setScenario('server-error');
      server.nextScenario('reply');
      assert.equal((await ask(base)).text, DEFAULT_REPLY);
      await fails(base, 'server');
      assert.deepEqual(
        server.chatRequests().map((r) => r.scenario),
        ['unauthorized', 'reply', 'server-error'],
      );
    });

    it('never echoes the key in error bodies', async () => {
      for (const model of ['test-unauthorized', 'test-forbidden', 'nope', 'test-rate-limit', 'test-server-error', 'test-bad-request']) {
        const res = await fetch(`${server.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ model, messages: [] }),
        });
        const text = await res.text();
        assert.ok(res.status >= 400, `${model}: ${res.status}`);
        assert.ok(!text.includes(KEY) && !text.includes('SECRET'), `${model} echoed the key: ${text}`);
        assert.ok((JSON.parse(text) as { error: { message: string } }).error.message, text);
      }
    });
  });
});
