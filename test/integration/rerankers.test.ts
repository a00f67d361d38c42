import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ScoringWorker } from '../../src/core/scoring/worker-client';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import type { ResultNode } from '../../src/extension/tree';
import { startRerankServer, type RerankServer } from '../support/rerank-servers';
import { EXTENSION_ID, QUERY, api, assertSameSession, workspaceFile } from './helpers';

const DENSE = workspaceFile('dense_results.json');
const SPARSE = workspaceFile('sparse_results.json');
const KEY = 'rk-editor-SECRET-31337';
const config = () => vscode.workspace.getConfiguration('rerankLens');
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const posts = (server: RerankServer) => server.requests.filter((r) => r.method === 'POST');
const SETTINGS = ['reranker', 'rerankerURL', 'rerankerModel', 'maxDocuments', 'minScore', 'minProbability'];

async function rerank(files = [DENSE, SPARSE], query = QUERY): Promise<RerankSession | undefined> {
  return vscode.commands.executeCommand<RerankSession | undefined>(Commands.rerank, { files, query });
}

async function useServer(server: RerankServer, kind: string, model?: string): Promise<void> {
  await config().update('reranker', kind, vscode.ConfigurationTarget.Global);
  await config().update('rerankerURL', server.url, vscode.ConfigurationTarget.Global);
  await config().update('rerankerModel', model, vscode.ConfigurationTarget.Global);
}

function logText(logUri: vscode.Uri): string {
  return readFileSync(join(logUri.fsPath, 'Rerank Lens.log'), 'utf8');
}

/** Every file under a folder, as text: to prove a secret is not in it. */
function filesUnder(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out += readFileSync(path, 'latin1');
  }
  return out;
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Rerankers in the editor: remote servers, the score cache, progressive results', () => {
  let worker: ScoringWorker;
  let local: RerankSession;
  let server: RerankServer | undefined;
  /** The tiny model, scored by a worker of this test (the same engine a TEI box would run). */
  let tiny: (query: string, texts: string[]) => Promise<number[]>;

  before(async () => {
    await api();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    worker = new ScoringWorker({ workerPath: join(ext.extensionPath, 'dist', 'worker.js') });
    const model = { model: String(config().get('modelPath')), dtype: 'fp32' as const, cacheDir: mkdtempSync(join(tmpdir(), 'rl-it-models-')), allowRemote: false };
    tiny = async (query, texts) => (await worker.score({ model, query, documents: texts })).scores;
    local = (await rerank())!;
    assert.equal(local.scoreKind, 'logit');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const key of SETTINGS) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(Commands.clearRerankerApiKey);
  });
  after(() => worker.dispose());

  it('a TEI server running the same model: the tree shows the same scores as the local model, and names the reranker', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer: tiny, maxTexts: 8 });
    await useServer(server, 'tei');
    const session = await rerank();
    assert.ok(session, 'reranked');
    assert.equal(session.scoreKind, 'logit');
    assert.deepEqual(session.documents.map((d) => [d.id, d.score]), local.documents.map((d) => [d.id, d.score]));
    const { tree } = await api();
    const [root] = tree.getChildren();
    assert.match(String(tree.getTreeItem(root).description), new RegExp(`^TEI at ${server.url.replace(/[/.]/g, '\\$&')} · logits · \\d+\\.\\d\\d s$`));
    const tooltip = (tree.getTreeItem(root).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /\*\*Reranker\*\* TEI at http:\/\/127\.0\.0\.1:\d+\/rerank: scores are raw logits/);
    // The 16 top documents go first in one request; the server's 422 names its limit of 8, then 8 a request.
    assert.deepEqual(posts(server).map((r) => r.status), [422, 200, 200]);
  });

  it('a Cohere-compatible server: its 0–1 scores are shown as probabilities, minScore is ignored, minProbability cuts', async () => {
    server = await startRerankServer({ protocol: 'cohere', scorer: tiny });
    await useServer(server, 'cohere', 'tiny-reranker');
    await config().update('minScore', 5, vscode.ConfigurationTarget.Global);
    const session = (await rerank())!;
    assert.equal(session.scoreKind, 'probability');
    const logits = new Map(local.documents.map((d) => [d.id, d.score]));
    for (const d of session.documents) {
      assert.ok(Math.abs(d.score - sigmoid(logits.get(d.id)!)) < 1e-12);
      assert.equal(d.probability, d.score);
    }
    const { tree } = await api();
    const [root] = tree.getChildren();
    const description = String(tree.getTreeItem(root).description);
    assert.match(description, /^Cohere-compatible tiny-reranker at http:\/\/127\.0\.0\.1:\d+\/v1\/rerank · probabilities · [\d.]+ s · minScore ignored$/);
    const children = tree.getChildren(root);
    assert.ok(!children.some((n) => n.kind === 'divider' && n.reason === 'threshold'), 'a logit threshold cuts nothing');
    const first = children.find((n): n is Extract<ResultNode, { kind: 'document' }> => n.kind === 'document')!;
    const label = String(tree.getTreeItem(first).label).replace(/^\u2007+/, '');
    assert.ok(label.startsWith(`${first.doc.score.toFixed(3)}\u2002`), `three decimals of a probability: ${label}`);
    const tip = (tree.getTreeItem(first).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tip, /Probability \*\*0\.\d{4}\*\* \(the reranker's 0–1 relevance score; it gives no logit\)/);

    const cut = (session.documents[1].score + session.documents[2].score) / 2;
    await config().update('minProbability', cut, vscode.ConfigurationTarget.Global);
    const after = tree.getChildren(tree.getChildren()[0]);
    const divider = after.find((n) => n.kind === 'divider' && n.reason === 'threshold');
    assert.ok(divider && divider.kind === 'divider' && divider.count === 14, 'minProbability cuts on the probabilities');

    // Export results… writes the CLI's report, which says the scores are probabilities.
    const target = workspaceFile('exported-probabilities.json');
    await vscode.commands.executeCommand(Commands.exportResults, target);
    const report = JSON.parse(readFileSync(target.fsPath, 'utf8')) as { scoreKind: string; model: string; results: { score: number }[] };
    await vscode.workspace.fs.delete(target);
    assert.equal(report.scoreKind, 'probability');
    assert.equal(report.model, 'tiny-reranker');
    assert.deepEqual(report.results.map((r) => r.score), session.documents.map((d) => d.score));
  });

  it('Set Reranker API Key: the key goes only into the Authorization header, never into the log, settings or storage', async () => {
    server = await startRerankServer({ protocol: 'voyage', apiKey: KEY, scorer: tiny });
    await useServer(server, 'voyage', 'rerank-2.5');
    await vscode.commands.executeCommand(Commands.setRerankerApiKey, KEY);
    const session = await rerank();
    assert.ok(session, 'the server accepted the key');
    assert.ok(server.requests.length > 0);
    for (const r of server.requests) {
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
      assert.ok(!JSON.stringify(r.body).includes(KEY), 'not in the body');
    }
    const { storage } = await api();
    assert.ok(!logText(storage.logUri).includes(KEY), 'not in the log');
    assert.ok(!filesUnder(storage.globalStorageUri.fsPath).includes(KEY), 'not in global storage (score cache included)');
    for (const key of Object.keys(config())) assert.ok(!JSON.stringify(config().inspect(key) ?? '').includes(KEY), `not in setting ${key}`);

    // Another key on the server: the rerank fails with one log line naming the URL and HTTP 401, without the key.
    server.reset();
    await server.close();
    server = await startRerankServer({ protocol: 'voyage', apiKey: 'the-right-one', scorer: tiny });
    await useServer(server, 'voyage', 'rerank-2.5');
    const { current } = await api();
    const before = current();
    assert.equal(await rerank(), undefined);
    assertSameSession(current(), before, 'the previous results stay');
    const line = logText(storage.logUri).trimEnd().split('\n').at(-1)!;
    assert.match(line, /\[error\] http:\/\/127\.0\.0\.1:\d+\/v1\/rerank rejected the API key \(HTTP 401\)/);
    assert.ok(!logText(storage.logUri).includes(KEY));
  });

  it('Cancel aborts the requests in flight and keeps the previous results', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer: tiny });
    server.setScenario({ kind: 'hang' });
    await useServer(server, 'tei');
    const { current } = await api();
    const before = current();
    const running = rerank();
    await until('a rerank request', () => posts(server!).length > 0);
    const cancelled = await vscode.commands.executeCommand<number>(Commands.cancelRerank);
    assert.equal(cancelled, 1);
    assert.equal(await running, undefined);
    const outcomes = await Promise.all(posts(server).map((r) => r.closed));
    assert.ok(outcomes.every((o) => o === 'client-closed'), `every request was aborted: ${outcomes.join(', ')}`);
    assertSameSession(current(), before, 'the previous results stay');
  });

  it('the score cache: "Rerank again" on the same query scores nothing (TEI asked only GET /info; the local worker not called)', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer: tiny });
    await useServer(server, 'tei');
    const first = (await rerank())!;
    server.reset();
    const again = await vscode.commands.executeCommand<RerankSession>(Commands.rerankAgain, { query: QUERY });
    assert.deepEqual(again.documents.map((d) => [d.id, d.score]), first.documents.map((d) => [d.id, d.score]));
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /info']);

    await config().update('reranker', undefined, vscode.ConfigurationTarget.Global);
    const { storage } = await api();
    const mark = logText(storage.logUri).length;
    const localAgain = (await rerank())!;
    assert.deepEqual(localAgain.documents.map((d) => [d.id, d.score]), local.documents.map((d) => [d.id, d.score]));
    const said = logText(storage.logUri).slice(mark);
    assert.match(said, /Score cache: all 16 scores cached; nothing to score\./);
    assert.match(said, /; 16 from the score cache/);
  });

  it('maxDocuments: only the first N by fused rank are reranked; the rest are listed apart, unscored', async () => {
    await config().update('maxDocuments', 5, vscode.ConfigurationTarget.Global);
    const session = (await rerank())!;
    assert.equal(session.documents.length, 5);
    assert.equal(session.unscored.length, 11);
    const { tree } = await api();
    const children = tree.getChildren(tree.getChildren()[0]);
    const at = children.findIndex((n) => n.kind === 'divider' && n.reason === 'not-reranked');
    assert.ok(at > 0);
    assert.equal(tree.getTreeItem(children[at]).label, 'Not reranked (past rerankLens.maxDocuments)');
    const rest = children.slice(at + 1);
    assert.equal(rest.length, 11);
    assert.ok(rest.every((n) => n.kind === 'unscored'));
    assert.deepEqual(rest.map((n) => (n.kind === 'unscored' ? n.doc.fusedRank : 0)), Array.from({ length: 11 }, (_, i) => i + 6));
    const item = tree.getTreeItem(rest[0]);
    assert.equal(item.contextValue, 'unscored');
    assert.match(String(item.label), /^—\u2002#6\u2002/);
  });

  it('progressive results: on a large input the tree fills in while batches finish, top fused ranks first', async () => {
    const docs = Array.from({ length: 4000 }, (_, i) => ({ id: `g${i}`, text: `Generated chunk ${i}: Mixtral ${'routes tokens to experts '.repeat(1 + (i % 11))}` }));
    const big = workspaceFile('generated_big_results.json');
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(JSON.stringify(docs)));
    const { tree } = await api();
    const seen: { scored: number; pending: number; ids: string[] }[] = [];
    const watch = tree.onDidChangeTreeData(() => {
      const shown = tree.shown;
      if (shown?.pending) seen.push({ scored: shown.documents.length, pending: shown.pending, ids: shown.documents.map((d) => String(d.id)) });
    });
    try {
      const session = await rerank([big], 'How does Mixtral route tokens?');
      assert.ok(session && session.documents.length === 4000 && !session.pending);
      assert.ok(seen.length >= 2, `the tree was redrawn with partial results ${seen.length} times`);
      assert.ok(seen[0].pending > 0 && seen[0].scored > 0);
      assert.ok(seen[0].ids.every((id) => Number(id.slice(1)) < 16), 'the first rows are the top fused-rank documents');
      assert.ok(seen.every((s, i) => i === 0 || s.scored >= seen[i - 1].scored), 'the list only grows');
      assertSameSession(tree.current, session, 'the finished session is current');
    } finally {
      watch.dispose();
      await vscode.workspace.fs.delete(big);
    }
  });
});
