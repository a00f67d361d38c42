import assert from 'node:assert/strict';
import { cp, mkdtemp, stat, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RerankReport } from '../../src/core/rerank';
import { ScoringWorker } from '../../src/core/scoring/worker-client';
import { runCli, type CliRun } from '../support/cli';
import { WORKER, tinyWorkerSpec } from '../support/models';
import { startRerankServer, type RerankServer, type Scorer } from '../support/rerank-servers';

const QUERY = 'What is context size of Mixtral?';
const FILES = ['sample/dense_results.json', 'sample/sparse_results.json'];
const KEY = 'rk-cli-SECRET-7777';
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const posts = (server: RerankServer) => server.requests.filter((r) => r.method === 'POST');
type Report = RerankReport & { cut?: Record<string, unknown> };

function assertOneLine(run: CliRun, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.equal(run.stdout, '');
  // Before it only the lines saying how each file was read.
  const lines = run.stderr.trimEnd().split('\n').filter((l) => !/^read sample\/\w+\.json as /.test(l));
  assert.equal(lines.length, 1, `one line: ${run.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.ok(!run.stderr.includes(KEY), 'never the key');
}

describe('the CLI with a reranking server (loopback servers speaking each protocol)', function () {
  this.timeout(180_000);
  let model: string;
  let worker: ScoringWorker;
  let tiny: Scorer;
  let local: Report;
  let server: RerankServer | undefined;
  let cacheDir: string;

  before(async () => {
    const spec = await tinyWorkerSpec('rl-models-');
    model = spec.model;
    worker = new ScoringWorker({ workerPath: WORKER });
    // The server scores with the same generated model, off this thread, as the CLI would locally.
    tiny = async (query, texts) => (await worker.score({ model: spec, query, documents: texts })).scores;
    const run = await runCli(['rerank', ...FILES, '-q', QUERY, '-m', model, '--json', '--no-cache']);
    assert.equal(run.code, 0, run.stderr);
    local = JSON.parse(run.stdout) as Report;
  });
  after(() => worker.dispose());
  beforeEach(async () => (cacheDir = await mkdtemp(join(tmpdir(), 'rl-cli-cache-'))));
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const rerank = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['rerank', ...FILES, '-q', QUERY, '--json', '--cache-dir', cacheDir, ...args], { env });
  const byId = (r: Report) => new Map(r.results.map((d) => [String(d.id), d.score]));

  it('tei: the same report as the local model (raw logits), the key only in the Authorization header', async () => {
    server = await startRerankServer({ protocol: 'tei', apiKey: KEY, scorer: tiny, maxTexts: 5 });
    const run = await rerank(['--reranker', 'tei', '--url', server.url], { RERANK_API_KEY: KEY });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.scoreKind, 'logit');
    assert.deepEqual(report.results.map((r) => [r.id, r.score, r.probability, r.rank]), local.results.map((r) => [r.id, r.score, r.probability, r.rank]));
    // The server takes at most 5 texts: its 422 names the limit, and the client sends 5 at a time from then on.
    assert.deepEqual(posts(server).map((r) => r.status), [422, 200, 200, 200, 200]);
    for (const r of server.requests) assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    for (const r of posts(server)) assert.ok(!JSON.stringify(r.body).includes(KEY), 'not in the body');
    assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY));
  });

  it('cohere and voyage: 0–1 relevance scores reported as probabilities, in the same order as the local logits', async () => {
    for (const kind of ['cohere', 'voyage'] as const) {
      server = await startRerankServer({ protocol: kind, scorer: tiny });
      const run = await rerank(['--reranker', kind, '--url', server.url, '--model', 'tiny-reranker']);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as Report;
      assert.equal(report.scoreKind, 'probability', kind);
      assert.equal(report.model, 'tiny-reranker');
      const logits = byId(local);
      for (const r of report.results) {
        assert.ok(Math.abs(r.score - sigmoid(logits.get(String(r.id))!)) < 1e-12, `${kind}: the server's probability`);
        assert.equal(r.probability, r.score, 'a probability is not squashed again');
      }
      assert.deepEqual(report.results.map((r) => r.id), local.results.map((r) => r.id));
      assert.equal(posts(server)[0].body?.model, 'tiny-reranker');
      await server.close();
    }
    server = undefined;
  });

  it('prints a table that says the scores are probabilities, and warns that --min-score does not apply to them', async () => {
    server = await startRerankServer({ protocol: 'cohere', scorer: tiny });
    const run = await runCli(['rerank', ...FILES, '-q', QUERY, '--reranker', 'cohere', '--url', server.url, '--no-cache', '--min-score=5']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.split('\n')[1], /^Reranker: Cohere-compatible at http:\/\/127\.0\.0\.1:\d+\/v1\/rerank · 16 documents · [\d.]+ s · scores are probabilities \(0–1\)$/);
    assert.match(run.stdout.split('\n')[3], /^\s*#\s+prob\.\s+moved/);
    assert.match(run.stderr, /warning: --min-score applies to raw logits; .* gives probabilities \(0–1\), so it was ignored \(use --min-probability\)/);
    assert.equal(run.stdout.trimEnd().split('\n').length, 4 + 16, 'nothing was cut by --min-score');
  });

  it('a rerun scores nothing: the cache in <cache-dir>/scores answers (TEI is asked only GET /info); --no-cache scores again', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer: tiny });
    const args = ['--reranker', 'tei', '--url', server.url];
    const first = JSON.parse((await rerank(args)).stdout) as Report;
    assert.equal(posts(server).length, 1);
    server.reset();
    const again = await rerank(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as Report).results, first.results, 'identical scores from the cache');
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /info']);
    await rerank([...args, '--no-cache']);
    assert.equal(posts(server).length, 1, '--no-cache scores again');
  });

  it('the local model is cached too: a rerun does not even load the model', async () => {
    // A copy of the model whose files keep one fixed modification time, so it can be broken without the cache noticing.
    const copy = await mkdtemp(join(tmpdir(), 'rl-model-copy-'));
    await cp(model, copy, { recursive: true });
    const fixed = new Date('2025-01-01T00:00:00Z');
    const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((f) => join(copy, f));
    for (const f of files) await utimes(f, fixed, fixed);
    const args = ['rerank', ...FILES, '-q', QUERY, '--json', '-m', copy, '--cache-dir', cacheDir];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const onnx = join(copy, 'onnx', 'model.onnx');
    await writeFile(onnx, Buffer.alloc((await stat(onnx)).size));
    await utimes(onnx, fixed, fixed);
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), JSON.parse(first.stdout), 'identical scores, from the cache');
    const loads = await runCli([...args, '--no-cache']);
    assert.equal(loads.code, 2, 'loading the broken model fails: the cached run never loaded it');
  });

  it('--max-documents reranks the first N by fused rank and lists the rest as notReranked', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer: tiny });
    const run = await rerank(['--reranker', 'tei', '--url', server.url, '--max-documents', '5']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.results.length, 5);
    assert.deepEqual(report.notReranked?.map((d) => d.fusedRank), Array.from({ length: 11 }, (_, i) => i + 6));
    assert.equal(posts(server).flatMap((r) => r.body?.texts as string[]).length, 5);
    assert.match(run.stderr, /11 documents past --max-documents 5 were not reranked/);
  });

  it('a rejected key: exit 2 and one line naming the URL and HTTP 401, no key', async () => {
    server = await startRerankServer({ protocol: 'voyage', apiKey: 'the-right-key' });
    const run = await rerank(['--reranker', 'voyage', '--url', server.url, '--model', 'rerank-2.5'], { RERANK_API_KEY: KEY });
    assertOneLine(run, 2, new RegExp(`^rerank-lens: ${server.url.replace(/[/.]/g, '\\$&')} rejected the API key \\(HTTP 401\\)`));
  });

  it('an unreachable server and a protocol mismatch: exit 2, one line each', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const down = await rerank(['--reranker', 'tei', '--url', `http://127.0.0.1:${port}/rerank`], { RERANK_API_KEY: KEY });
    assertOneLine(down, 2, new RegExp(`^rerank-lens: Could not get an answer from http://127\\.0\\.0\\.1:${port}/rerank \\(connection refused\\)`));

    server = await startRerankServer({ protocol: 'cohere', path: '/rerank' });
    const mismatch = await rerank(['--reranker', 'tei', '--url', server.url], { RERANK_API_KEY: KEY });
    assertOneLine(mismatch, 2, /^rerank-lens: http:\/\/127\.0\.0\.1:\d+\/rerank (answered HTTP 200 but not as|rejected the request \(HTTP 422\))/);
  });

  it('a URL that is not http(s): exit 2 and one line saying what the URL must look like, with the score cache on too', async () => {
    for (const url of ['localhost:8080/rerank', 'gpu-box:8080/rerank', 'http//x']) {
      for (const extra of [[], ['--no-cache']]) {
        const run = await rerank(['--reranker', 'tei', '--url', url, ...extra]);
        assertOneLine(run, 2, /^rerank-lens: The reranker URL "[^"]+" is not an http\(s\) URL: set the full endpoint, e\.g\. http:\/\/localhost:8080\/rerank\.$/);
      }
    }
  });

  it('usage mistakes: a server kind without --url, --url without a server kind, local-only flags with a server', async () => {
    const cases: [string[], RegExp][] = [
      [['--reranker', 'tei'], /--reranker tei needs --url/],
      [['--url', 'http://x/rerank'], /--url names a reranking server: add --reranker tei, cohere or voyage/],
      [['--reranker', 'cohere', '--url', 'http://x/rerank', '--dtype', 'q8'], /--dtype only apply to the local reranker/],
      [['--reranker', 'bm25'], /--reranker must be local, tei, cohere or voyage, got "bm25"/],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli(['rerank', ...FILES, '-q', QUERY, ...args]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, pattern);
    }
  });
});
