import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, InputError } from '../../src/core/errors';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { Progress } from '../../src/shared/worker-protocol';
import { STAGE_CHARS, ScoringWorker } from '../../src/core/scoring/worker-client';
import { startHubServer } from '../support/hub-server';
import { WORKER, assertBuilt, fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const DOCS = Array.from({ length: 40 }, (_, i) => `Chunk ${i}: Mixtral uses ${i % 3 ? 'experts' : 'a context size of 32k tokens'} ${'and more words '.repeat(i % 7)}`);

describe('the scoring worker', function () {
  this.timeout(120_000);
  let spec: ModelSpec;
  let worker: ScoringWorker;

  before(async () => {
    assertBuilt();
    spec = { model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-cache-')), allowRemote: false };
  });
  beforeEach(() => (worker = new ScoringWorker({ workerPath: WORKER })));
  afterEach(() => worker.dispose());

  it('scores off the main thread with the same results as in-process scoring, reporting progress', async () => {
    const progress: Progress[] = [];
    const result = await worker.score({ model: spec, query: QUERY, documents: DOCS, batchTokens: 256, onProgress: (p) => progress.push(p) });
    const local = await CrossEncoder.load(spec);
    const expected = await local.score(QUERY, DOCS);
    await local.dispose();
    assert.deepEqual(result.scores, expected.scores);
    const scored = progress.filter((p): p is Extract<Progress, { phase: 'score' }> => p.phase === 'score');
    assert.ok(scored.length > 1, 'several batches report progress');
    assert.deepEqual(scored.map((p) => p.total), scored.map(() => DOCS.length));
    assert.ok(scored.every((p, i) => i === 0 || p.done > scored[i - 1].done), 'progress only moves forward');
    assert.equal(scored.at(-1)!.done, DOCS.length);
    assert.ok(!progress.some((p) => p.phase === 'download'), 'reading a local folder is not reported as a download');
    assert.ok(result.timings.inferenceMs > 0);
  });

  it('stops a request when it is cancelled, and keeps working afterwards', async () => {
    const abort = new AbortController();
    const seen: number[] = [];
    const pending = worker.score({
      model: spec,
      query: QUERY,
      documents: DOCS,
      batchTokens: 1,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== 'score') return;
        seen.push(p.done);
        if (p.done === 2) abort.abort();
      },
    });
    await assert.rejects(pending, CancelledError);
    assert.ok(Math.max(...seen) < DOCS.length, `stopped early (scored ${Math.max(...seen)} of ${DOCS.length})`);
    const after = await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 3) });
    assert.equal(after.scores.length, 3);
  });

  it('takes more than a megabyte of texts in pieces (texts messages) and scores them exactly as in-process', async () => {
    // One 3,800-character word is a single [UNK] token: megabytes of text that score quickly.
    const big = Array.from({ length: 900 }, (_, i) => `Chunk ${i}: Mixtral ${'routes tokens to experts '.repeat(i % 7)}${'x'.repeat(3800)}`);
    assert.ok(big.reduce((n, t) => n + t.length, 0) > STAGE_CHARS * 3, 'several pieces');
    const posted: string[] = [];
    const inner = () => (worker as unknown as { worker: import('node:worker_threads').Worker }).worker;
    await worker.load(spec);
    const postMessage = inner().postMessage.bind(inner());
    inner().postMessage = (m: { type: string }) => (posted.push(m.type), postMessage(m));
    const result = await worker.score({ model: spec, query: QUERY, documents: big });
    assert.ok(posted.filter((t) => t === 'texts').length >= 3, `sent in pieces: ${posted.join(', ')}`);
    assert.equal(posted.at(-1), 'call');
    const local = await CrossEncoder.load(spec);
    const expected = await local.score(QUERY, big);
    await local.dispose();
    assert.deepEqual(result.scores, expected.scores);

    // A cancel while the pieces are being sent: no call is made, and the worker serves the next request.
    const abort = new AbortController();
    posted.length = 0;
    const pending = worker.score({ model: spec, query: QUERY, documents: big, signal: abort.signal });
    abort.abort();
    await assert.rejects(pending, CancelledError);
    assert.ok(!posted.includes('call'), `no call after the cancel: ${posted.join(', ')}`);
    assert.equal((await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) })).scores.length, 2);
  });

  it('dispose cancels a running request, waits for it, then stops the worker', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const pending = worker.score({ model: spec, query: QUERY, documents: DOCS, batchTokens: 1, onProgress: (p) => p.phase === 'score' && started() });
    await running;
    await worker.dispose();
    await assert.rejects(pending, CancelledError);
    assert.equal(worker.alive, false);
    assert.equal(worker.busy, false);
  });

  it('rejects an already-aborted request without starting it', async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(worker.score({ model: spec, query: QUERY, documents: DOCS, signal: abort.signal }), CancelledError);
  });

  it('rejects a bad model folder with a message naming what is missing, then serves the next request', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'rl-empty-model-'));
    await assert.rejects(worker.score({ model: { ...spec, model: empty }, query: QUERY, documents: DOCS }), (err: InputError) => {
      assert.equal(err.code, 'bad-model');
      assert.match(err.message, /missing config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
      return true;
    });
    await assert.rejects(worker.score({ model: { ...spec, model: join(empty, 'nope') }, query: QUERY, documents: DOCS }), /does not exist/);
    const ok = await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) });
    assert.equal(ok.scores.length, 2);
  });

  it('starts a new worker after the old one died', async () => {
    await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) });
    const inner = (worker as unknown as { worker: import('node:worker_threads').Worker }).worker;
    // Killing an idle worker is safe (no inference in flight) and looks like a crash to the client.
    await inner.terminate();
    assert.equal(worker.alive, false);
    const again = await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) });
    assert.equal(again.scores.length, 2);
    assert.equal(worker.alive, true);
  });

  it('fails the requests in flight when the worker dies, with a message', async () => {
    const hub = await startHubServer({ 'test/slow': spec.model }, { delayMs: 5000 });
    try {
      const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
      const pending = worker.score({ model: { ...spec, model: 'test/slow', allowRemote: true, remoteHost: hub.url, cacheDir }, query: QUERY, documents: DOCS });
      await new Promise((r) => setTimeout(r, 300));
      // The worker is waiting on the network, not inside onnxruntime, so terminating it is safe here.
      await (worker as unknown as { worker: import('node:worker_threads').Worker }).worker.terminate();
      await assert.rejects(pending, /scoring worker exited unexpectedly.*restart on the next request/);
      assert.equal((await worker.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 1) })).scores.length, 1);
    } finally {
      await hub.close();
    }
  });

  it('shuts an idle worker down after the idle time and comes back on demand', async () => {
    const quick = new ScoringWorker({ workerPath: WORKER, idleMs: 100 });
    try {
      await quick.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) });
      assert.equal(quick.alive, true);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(quick.alive, false);
      assert.equal((await quick.score({ model: spec, query: QUERY, documents: DOCS.slice(0, 2) })).scores.length, 2);
    } finally {
      await quick.dispose();
    }
  });
});

describe('downloading a model from a hub', function () {
  this.timeout(120_000);
  const MODEL_ID = 'test-org/tiny-reranker';
  let worker: ScoringWorker;
  let local: string;

  before(async () => {
    assertBuilt();
    local = await fixtureModel('tiny');
  });
  beforeEach(() => (worker = new ScoringWorker({ workerPath: WORKER })));
  afterEach(() => worker.dispose());

  it('downloads with progress, caches, and then works offline from the cache', async () => {
    const hub = await startHubServer({ [MODEL_ID]: local });
    const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
    const spec: ModelSpec = { model: MODEL_ID, dtype: 'fp32', cacheDir, allowRemote: true, remoteHost: hub.url };
    try {
      const progress: Progress[] = [];
      const first = await worker.score({ model: spec, query: QUERY, documents: DOCS, onProgress: (p) => progress.push(p) });
      const downloads = progress.filter((p): p is Extract<Progress, { phase: 'download' }> => p.phase === 'download');
      assert.ok(downloads.some((p) => p.file === 'onnx/model.onnx' && p.percent === 100), 'the model file reports 100%');
      assert.ok(downloads.every((p) => p.percent >= 0 && p.percent <= 100));
      assert.ok(hub.requests.some((r) => r.endsWith('/resolve/main/onnx/model.onnx')));
      assert.ok((await readdir(join(cacheDir, 'test-org', 'tiny-reranker', 'onnx'))).includes('model.onnx'), 'cached on disk');

      const local = await CrossEncoder.load({ model: local0(), dtype: 'fp32', cacheDir, allowRemote: false });
      assert.deepEqual(first.scores, (await local.score(QUERY, DOCS)).scores, 'the downloaded model is the served one');
      await local.dispose();

      // A fresh worker, with downloads off and the server gone: the cache alone must do.
      await worker.dispose();
      await hub.close();
      const offline = new ScoringWorker({ workerPath: WORKER });
      try {
        const again = await offline.score({ model: { ...spec, allowRemote: false }, query: QUERY, documents: DOCS });
        assert.deepEqual(again.scores, first.scores);
      } finally {
        await offline.dispose();
      }
    } finally {
      await hub.close();
    }
  });

  it('says clearly that a model is not cached when downloads are off', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
    await assert.rejects(
      worker.score({ model: { model: MODEL_ID, dtype: 'fp32', cacheDir, allowRemote: false }, query: QUERY, documents: DOCS }),
      (err: InputError) => {
        assert.equal(err.code, 'offline');
        assert.match(err.message, new RegExp(`model ${MODEL_ID} \\(fp32\\) is not in the cache at .* remote downloads are turned off`));
        return true;
      },
    );
  });

  it('says clearly that the network is unreachable', async () => {
    const hub = await startHubServer({});
    const url = hub.url;
    await hub.close();
    const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
    await assert.rejects(
      worker.score({ model: { model: MODEL_ID, dtype: 'fp32', cacheDir, allowRemote: true, remoteHost: url }, query: QUERY, documents: DOCS }),
      (err: InputError) => {
        assert.equal(err.code, 'offline');
        assert.match(err.message, /Could not download the model test-org\/tiny-reranker from http:\/\/127\.0\.0\.1:\d+\/: the network is unreachable/);
        assert.match(err.message, /set a local model folder/);
        return true;
      },
    );
  });

  it('reports a model the hub does not have', async () => {
    const hub = await startHubServer({});
    try {
      const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
      await assert.rejects(
        worker.score({ model: { model: 'test-org/missing', dtype: 'fp32', cacheDir, allowRemote: true, remoteHost: hub.url }, query: QUERY, documents: DOCS }),
        (err: InputError) => {
          assert.equal(err.code, 'download-failed');
          assert.match(err.message, /test-org\/missing.*Could not locate file/);
          return true;
        },
      );
    } finally {
      await hub.close();
    }
  });

  function local0(): string {
    return local;
  }
});
