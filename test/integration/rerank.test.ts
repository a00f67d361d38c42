import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import type { ResultNode } from '../../src/extension/tree';
import { QUERY, api, assertSameSession, closeEditors, readText, workspaceFile } from './helpers';

const DENSE = workspaceFile('dense_results.json');
const SPARSE = workspaceFile('sparse_results.json');

async function rerank(files: vscode.Uri[], query = QUERY): Promise<RerankSession | undefined> {
  return vscode.commands.executeCommand<RerankSession | undefined>(Commands.rerank, { files, query });
}

describe('Rerank results in the extension host', () => {
  let inputs: Map<string, string>;

  before(async () => {
    await api();
    inputs = new Map(await Promise.all([DENSE, SPARSE].map(async (u) => [u.toString(), await readText(u)] as const)));
  });
  afterEach(closeEditors);

  it('registers exactly the commands package.json contributes', async () => {
    const ext = vscode.extensions.getExtension('rerank-lens.rerank-lens')!;
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(Object.values(Commands).sort(), declared);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of declared) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('reranks the sample files into a tree ordered by score with the top 3 set apart', async () => {
    const session = await rerank([DENSE, SPARSE]);
    assert.ok(session, 'the command returns the session');
    const { tree } = await api();
    const [root] = tree.getChildren();
    assert.equal(root.kind, 'query');
    const rootItem = tree.getTreeItem(root);
    assert.equal(rootItem.label, QUERY);
    assert.match(String(rootItem.description), /^tiny \(fp32\) · logits · \d+\.\d\d s$/);

    const children = tree.getChildren(root);
    const docs = children.filter((n): n is Extract<ResultNode, { kind: 'document' }> => n.kind === 'document');
    assert.equal(docs.length, 16);
    const scores = docs.map((d) => d.doc.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'documents in reranked order');
    assert.deepEqual(children.map((n) => n.kind).slice(0, 4), ['document', 'document', 'document', 'divider']);
    assert.deepEqual(docs.map((d) => tree.getTreeItem(d).contextValue), [...Array(3).fill('document.top'), ...Array(13).fill('document')]);

    const first = tree.getTreeItem(docs[0]);
    // The row leads with the score (padded to the column's width) and the movement.
    assert.ok(
      typeof first.label === 'string' && first.label.replace(/^\u2007+/, '').startsWith(`${docs[0].doc.score.toFixed(2)}\u2002${move(docs[0].doc.originalRank, 1)}\u2002`),
      String(first.label),
    );
    // appendText escapes Markdown (dense\_results.json); compare against the unescaped text.
    const tooltip = (first.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, new RegExp(`sigmoid ${docs[0].doc.probability.toFixed(4)}`));
    assert.match(tooltip, new RegExp(`original rank ${docs[0].doc.originalRank}`));
    for (const s of docs[0].doc.sources) assert.ok(tooltip.includes(`${s.file}: rank ${s.rank}`), tooltip);

    // Expanding a document shows its metadata and its sources.
    const shared = docs.find((d) => d.doc.sources.length === 2)!;
    const kids = tree.getChildren(shared);
    assert.deepEqual(kids.filter((k) => k.kind === 'field').map((k) => (k as { key: string }).key), Object.keys(shared.doc.metadata));
    const sources = kids.filter((k) => k.kind === 'source').map((k) => tree.getTreeItem(k));
    assert.deepEqual(sources.map((s) => s.label), ['dense_results.json', 'sparse_results.json']);
    assert.match(String(sources[0].description), /^#\d+ · [\d.]+$/);
  });

  it('opens a chunk read-only with its full text', async () => {
    const { tree, current } = await api();
    const doc = tree.getChildren(tree.getChildren()[0]).find((n) => n.kind === 'document')!;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(Commands.openChunk, doc);
    assert.equal(editor.document.uri.scheme, 'rerank-lens-chunk');
    // A short header, then the full text unchanged.
    assert.ok(editor.document.getText().endsWith(`\n${current()!.documents[0].text}`));
    // Content-provider documents are shown read-only and are no file system anything could be saved to.
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem('rerank-lens-chunk'), true);
    assert.equal(editor.document.isDirty, false);
  });

  it('reveals a document in its source file at its object', async () => {
    const { current } = await api();
    const doc = current()!.documents.find((d) => d.sources.length === 2)!;
    const source = doc.sources[0];
    await vscode.commands.executeCommand(Commands.revealInSource, { kind: 'source', doc, source });
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), DENSE.toString());
    assert.equal(editor.selection.active.line, source.line - 1);
    assert.equal(editor.selection.active.character, source.column - 1);
    assert.equal(editor.document.lineAt(source.line - 1).text.trim(), '{');
    assert.match(editor.document.lineAt(source.line).text, new RegExp(`"id": ${JSON.stringify(doc.id)}`));
  });

  it('copies a chunk\'s text', async () => {
    const { current } = await api();
    const doc = current()!.documents[1];
    await vscode.commands.executeCommand(Commands.copyText, { kind: 'document', doc, top: true });
    assert.equal(await vscode.env.clipboard.readText(), doc.text);
  });

  it('exports the CLI report, and refuses to overwrite an input file', async () => {
    const { current } = await api();
    const target = workspaceFile('exported.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>(Commands.exportResults, target);
    assert.equal(written?.toString(), target.toString());
    const report = JSON.parse(await readText(target)) as { query: string; model: string; results: { id: unknown; rank: number; score: number; sources: unknown[] }[] };
    assert.equal(report.query, QUERY);
    assert.equal(report.results.length, 16);
    assert.deepEqual(report.results.map((r) => r.id), current()!.documents.map((d) => d.id));
    await vscode.workspace.fs.delete(target);

    const refused = await vscode.commands.executeCommand<vscode.Uri | undefined>(Commands.exportResults, DENSE);
    assert.equal(refused, undefined);
    assert.equal(await readText(DENSE), inputs.get(DENSE.toString()));
  });

  it('reranks again with a new query on the same files', async () => {
    const session = await vscode.commands.executeCommand<RerankSession>(Commands.rerankAgain, { query: 'How many experts does the router pick?' });
    assert.equal(session.query, 'How many experts does the router pick?');
    assert.deepEqual(session.fileNames, ['dense_results.json', 'sparse_results.json']);
    const { tree } = await api();
    assert.equal(tree.getTreeItem(tree.getChildren()[0]).label, 'How many experts does the router pick?');
  });

  it('skips a malformed file, reranks the others, and keeps results when nothing can be read', async () => {
    const broken = workspaceFile('broken_results.json');
    const { current } = await api();
    const before = current();
    const session = await rerank([DENSE, broken]);
    assert.ok(session);
    assert.equal(session.documents.length, 10, 'the good file still loads');
    assert.deepEqual(session.fileNames, ['dense_results.json']);

    const none = await rerank([broken]);
    assert.equal(none, undefined);
    assertSameSession(current(), session, 'a failed rerank leaves the previous results');
    assert.notEqual(before, session);
  });

  it('keeps the previous results when the model folder is wrong', async () => {
    const { current } = await api();
    const before = current();
    const config = vscode.workspace.getConfiguration('rerankLens');
    const good = config.get<string>('modelPath');
    await config.update('modelPath', join(String(good), 'missing'), vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await rerank([DENSE]), undefined);
      assertSameSession(current(), before, 'the previous results stay');
    } finally {
      await config.update('modelPath', good, vscode.ConfigurationTarget.Global);
    }
  });

  it('keeps the model off the extension host thread and logs its activation time', async () => {
    // The worker thread has its own module cache: onnxruntime must never load into the host's.
    const loaded = Object.keys(require.cache);
    assert.ok(!loaded.some((m) => /onnxruntime|@huggingface/.test(m)), 'no model runtime in the extension host');
    const { storage } = await api();
    const log = readFileSync(join(storage.logUri.fsPath, 'Rerank Lens.log'), 'utf8');
    const activated = /Activated in ([\d.]+) ms/.exec(log);
    assert.ok(activated, 'the log records the activation time');
    process.stdout.write(`      activation took ${activated[1]} ms\n`);
  });

  it('never modified an input file', async () => {
    for (const [uri, text] of inputs) assert.equal(readFileSync(vscode.Uri.parse(uri).fsPath, 'utf8'), text);
  });
});

function move(original: number, rank: number): string {
  return original === rank ? '=' : original > rank ? `↑${original - rank}` : `↓${rank - original}`;
}
