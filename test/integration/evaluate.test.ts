import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/commands';
import { findEvalFolders } from '../../src/extension/evaluate/find-eval';
import type { StoredEvaluation } from '../../src/extension/evaluate/report-panel';
import type { RerankSession } from '../../src/extension/session';
import { EXTENSION_ID, api, assertSameSession, closeEditors, readText, workspaceFile } from './helpers';

const CORPUS = workspaceFile('eval/corpus.jsonl');
const QUERIES = workspaceFile('eval/queries.jsonl');
const QRELS = workspaceFile('eval/qrels/test.tsv');
const DENSE = workspaceFile('eval/run.dense.txt');
const BM25 = workspaceFile('eval/run.bm25.txt');
const FILES = { corpus: CORPUS, queries: QUERIES, qrels: QRELS, runs: [DENSE, BM25] };

interface CliJson {
  queries: number;
  skipped: string[];
  input: Record<string, number>;
  rrf: Record<string, number>;
  reranked: Record<string, number> | null;
  sources: { name: string; metrics: Record<string, number> }[];
  perQuery: { id: string; input: Record<string, number>; reranked: Record<string, number> | null }[];
}

/** The packaged CLI on the same inputs: what the editor's report must agree with. */
function cli(args: string[]): Promise<string> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  const dir = CORPUS.fsPath.replace(/corpus\.jsonl$/, '');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(extension.extensionPath, 'dist', 'cli.js'), 'eval', '--corpus', 'corpus.jsonl', '--queries', 'queries.jsonl', '--qrels', 'qrels/test.tsv', '--run', 'run.dense.txt', '--run', 'run.bm25.txt', ...args], { cwd: dir, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const evaluate = (args: object) => vscode.commands.executeCommand<StoredEvaluation | undefined>(Commands.evaluate, args);

describe('Evaluate in the extension host', () => {
  let model: string;
  let reranked: StoredEvaluation;

  before(async () => {
    await api();
    model = vscode.workspace.getConfiguration('rerankLens').get<string>('modelPath')!;
  });
  afterEach(closeEditors);

  it('finds the BEIR folder of the sample with its qrels and both runs', async () => {
    const folders = await findEvalFolders();
    assert.deepEqual(folders.map((f) => vscode.workspace.asRelativePath(f.folder)), ['eval']);
    const [folder] = folders;
    assert.equal(folder.corpus.fsPath, CORPUS.fsPath);
    assert.equal(folder.queries.fsPath, QUERIES.fsPath);
    assert.deepEqual(folder.qrels.map((u) => u.fsPath), [QRELS.fsPath]);
    assert.deepEqual(folder.runs.map((u) => u.fsPath), [BM25.fsPath, DENSE.fsPath]);
  });

  it('evaluates the runs alone with the figures of the CLI and of the sample README, and opens the report', async () => {
    const stored = await evaluate({ ...FILES, rerank: false });
    assert.ok(stored, 'the command returns the evaluation');
    const expected = JSON.parse(await cli(['--no-rerank', '--json'])) as CliJson;
    const { report } = stored.view;
    assert.equal(report.queries, 22);
    assert.deepEqual(report.skipped, ['q19']);
    assert.equal(report.reranked, null);
    assert.equal(stored.view.model, null);
    assert.deepEqual(report.rrf, expected.rrf);
    assert.deepEqual(report.perQuery, expected.perQuery);
    assert.deepEqual(report.sources.map((s) => s.name), ['eval/run.dense.txt', 'eval/run.bm25.txt']);
    assert.deepEqual(report.sources.map((s) => s.metrics), expected.sources.map((s) => s.metrics));
    assert.equal(report.rrf!['ndcg@10'].toFixed(3), '0.906', 'the README figure');
    assert.deepEqual(stored.view.rows.map((r) => [r.label, r.kind]), [
      ['eval/run.dense.txt', 'source'],
      ['eval/run.bm25.txt', 'source'],
      ['Merged input', 'input'],
      ['RRF (k = 60)', 'rrf'],
    ]);
    const { report: panel } = await api();
    assert.deepEqual(panel.current?.view, stored.view, 'kept for the report (and its restore)');
    const html = panel.webview!.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /connect-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(html, /<script(?![^>]*nonce=)/, 'every script has the nonce');
    assert.match(html, /report\.js/);
  });

  it('reranks every query in the worker with the configured model: the same figures as the CLI', async () => {
    reranked = (await evaluate({ ...FILES, k: 10, topN: 100 }))!;
    assert.ok(reranked);
    const expected = JSON.parse(await cli(['--model', model, '--json'])) as CliJson;
    assert.deepEqual(reranked.view.model, { name: 'tiny', dtype: 'fp32' });
    assert.deepEqual(reranked.view.report.reranked, expected.reranked);
    assert.deepEqual(reranked.view.report.perQuery, expected.perQuery);
    assert.equal(reranked.view.rows.at(-1)?.kind, 'reranked');
    const loaded = Object.keys(require.cache);
    assert.ok(!loaded.some((m) => /onnxruntime|@huggingface/.test(m)), 'no model runtime in the extension host');
  });

  it('a query of the report opens in the tree, with the scores the evaluation used', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rl-eval-int-'));
    await cli(['--model', model, '--out', out]);
    const run = readFileSync(join(out, 'run.reranked.txt'), 'utf8').split('\n').filter((l) => l.startsWith('q07 '));
    const session = await vscode.commands.executeCommand<RerankSession | undefined>(Commands.openEvaluationQuery, 'q07');
    assert.ok(session);
    assert.equal(session.query, reranked.view.queryText.q07);
    assert.deepEqual(session.fileNames, ['eval/run.dense.txt', 'eval/run.bm25.txt']);
    const candidates = new Set(run.map((l) => l.split(' ')[2]));
    assert.equal(session.documents.length, candidates.size);
    for (const line of run) {
      const [, , docId, , score] = line.split(' ');
      const doc = session.documents.find((d) => String(d.id) === docId)!;
      assert.ok(Math.abs(doc.score - Number(score)) < 1e-6, `${docId}: tree ${doc.score}, CLI ${score}`);
    }
    const { tree, current } = await api();
    assertSameSession(current(), session, 'the tree shows the evaluation query');
    assert.equal(tree.getTreeItem(tree.getChildren()[0]).label, session.query);
    const shared = session.documents.find((d) => d.sources.length === 2)!;
    assert.ok(shared.sources.every((s) => s.line > 0 && s.rank > 0), 'each run named with its rank and line');
  });

  it('exports the report as Markdown and JSON, and never over an input file', async () => {
    const md = workspaceFile('evaluation-report.md');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>(Commands.exportEvaluation, 'markdown', md))?.toString(), md.toString());
    const text = await readText(md);
    const cliMd = await cli(['--model', model]);
    const table = (s: string) => s.slice(s.indexOf('| Ranking'), s.indexOf('\n\n', s.indexOf('| Ranking')));
    assert.equal(table(text).replace(/eval\//g, ''), table(cliMd));
    assert.match(text, /## Queries that got worse/);

    const json = workspaceFile('evaluation-report.json');
    await vscode.commands.executeCommand(Commands.exportEvaluation, 'json', json);
    const exported = JSON.parse(await readText(json)) as CliJson & { model: unknown };
    assert.deepEqual(exported.reranked, reranked.view.report.reranked);
    assert.deepEqual(exported.model, { name: 'tiny', dtype: 'fp32', topN: 100 });
    await vscode.workspace.fs.delete(md);
    await vscode.workspace.fs.delete(json);

    const before = await readText(DENSE);
    assert.equal(await vscode.commands.executeCommand(Commands.exportEvaluation, 'markdown', DENSE), undefined);
    assert.equal(await readText(DENSE), before, 'the run is untouched');
  });

  it('refuses a run given as qrels with a message, keeping the last report', async () => {
    const { report } = await api();
    const before = report.current;
    assert.equal(await evaluate({ ...FILES, qrels: DENSE, rerank: false }), undefined);
    assert.deepEqual(report.current, before);
  });
});
