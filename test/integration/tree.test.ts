import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { RerankReport } from '../../src/core/rerank';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import type { ResultNode } from '../../src/extension/tree';
import type { Turn } from '../../src/shared/answer-protocol';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server';
import { EXTENSION_ID, QUERY, api, closeEditors, workspaceFile } from './helpers';

const DENSE = workspaceFile('dense_results.json');
const SPARSE = workspaceFile('sparse_results.json');
const config = () => vscode.workspace.getConfiguration('rerankLens');
type DocNode = Extract<ResultNode, { kind: 'document' }>;

async function rows() {
  const { tree } = await api();
  const [root] = tree.getChildren();
  const children = tree.getChildren(root);
  const label = (n: ResultNode) => String(tree.getTreeItem(n).label);
  return { tree, root, children, docs: children.filter((n): n is DocNode => n.kind === 'document'), label };
}

/** The CLI of this very extension on the same files, model and cut: the report it prints. */
async function cliReport(args: string[]): Promise<RerankReport & { cut?: Record<string, number | null> }> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ext.extensionPath, 'dist', 'cli.js'), 'rerank', DENSE.fsPath, SPARSE.fsPath, '-q', QUERY, '-m', String(config().get('modelPath')), '--json', ...args],
    { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  );
  return JSON.parse(stdout) as RerankReport;
}

describe('Tree rows, badges, threshold and chunk view in the extension host', () => {
  let session: RerankSession;

  before(async () => {
    await api();
    session = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, { files: [DENSE, SPARSE], query: QUERY }))!;
  });
  const noThreshold = async () => {
    await config().update('minScore', undefined, vscode.ConfigurationTarget.Global);
    await config().update('minProbability', undefined, vscode.ConfigurationTarget.Global);
  };
  afterEach(async () => {
    await closeEditors();
    await noThreshold();
  });
  after(() => vscode.commands.executeCommand(Commands.showRerankedOrder));

  it('leads every row with its score, then its movement and which file found it at which rank', async () => {
    const { docs, label, tree, root } = await rows();
    assert.equal(docs.length, 16);
    const marker = { 'dense_results.json': 'D', 'sparse_results.json': 'S' } as const;
    for (const node of docs) {
      const { doc } = node;
      const text = label(node).replace(/^\u2007+/, '');
      const [score, move, ...rest] = text.split('\u2002');
      assert.equal(score, doc.score.toFixed(2), text);
      assert.equal(move, doc.originalRank === doc.rank ? '=' : doc.originalRank > doc.rank ? `↑${doc.originalRank - doc.rank}` : `↓${doc.rank - doc.originalRank}`);
      const badges = (['dense_results.json', 'sparse_results.json'] as const).map((f) => {
        const s = doc.sources.find((x) => x.file === f);
        return `${marker[f]}${s ? s.rank : '–'}`;
      });
      assert.equal(rest[0], badges.join(' '), text);
      assert.ok(rest.slice(1).join(' ').startsWith(doc.text.replace(/\s+/g, ' ').slice(0, 20)), 'then the text');
    }
    // Found by both files: ids 2, 4, 9 and 15 in the sample, each with two ranks and no dash.
    const both = docs.filter((d) => !label(d).includes('–')).map((d) => d.doc.id).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(both, [2, 4, 9, 15]);
    const legend = (tree.getTreeItem(root).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(legend.includes('D = dense_results.json, S = sparse_results.json'), legend);
  });

  it('cuts at the threshold after the top k, like the CLI, and Ask sends only what is above it', async () => {
    const ranked = session.documents;
    // Between the 2nd and 3rd score: of the top 3 only two clear it.
    const minScore = (ranked[1].score + ranked[2].score) / 2;
    await config().update('minScore', minScore, vscode.ConfigurationTarget.Global);
    const { children, docs, tree } = await rows();
    assert.deepEqual(children.map((n) => (n.kind === 'divider' ? n.reason : n.kind)).slice(0, 4), ['document', 'document', 'threshold', 'document']);
    const divider = tree.getTreeItem(children[2]);
    assert.equal(divider.label, 'Below the threshold');
    assert.equal(divider.description, `score ≥ ${minScore} · 14 more`);
    assert.deepEqual(docs.map((d) => tree.getTreeItem(d).contextValue), ['document.top', 'document.top', ...Array(14).fill('document.belowThreshold')]);

    const cli = await cliReport(['--top-k', '3', `--min-score=${minScore}`]);
    assert.deepEqual(cli.results.map((r) => r.id), docs.filter((d) => d.top).map((d) => d.doc.id), 'the CLI keeps the same documents');
    assert.deepEqual(cli.cut, { topK: 3, minScore, minProbability: null, total: 16, kept: 2, belowTopK: 0, belowThreshold: 14 });

    // Both cuts: a probability between the 1st and 2nd document's leaves only the best one.
    const minProbability = (ranked[0].probability + ranked[1].probability) / 2;
    await config().update('minProbability', minProbability, vscode.ConfigurationTarget.Global);
    const after = await rows();
    assert.deepEqual(after.docs.filter((d) => d.top).map((d) => d.doc.id), [ranked[0].id]);
    const both = await cliReport(['-k', '3', `--min-score=${minScore}`, '--min-probability', String(minProbability)]);
    assert.deepEqual(both.results.map((r) => r.id), [ranked[0].id]);

    const server: OpenAIServer = await startOpenAIServer();
    const ask = vscode.workspace.getConfiguration('rerankLens.ask');
    await ask.update('baseURL', server.url, vscode.ConfigurationTarget.Global);
    await ask.update('model', 'test-model', vscode.ConfigurationTarget.Global);
    try {
      const turn = await vscode.commands.executeCommand<Turn>(Commands.ask);
      assert.equal(turn.status, 'done', turn.error?.message);
      assert.deepEqual(turn.documents.map((d) => d.id), [ranked[0].id]);
      const content = String(server.chatRequests()[0].body!.messages!.at(-1)!.content);
      assert.ok(content.includes(ranked[0].text) && !content.includes(ranked[1].text), 'only the document above both cuts is sent');
    } finally {
      await ask.update('baseURL', undefined, vscode.ConfigurationTarget.Global);
      await ask.update('model', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
    }
  });

  it('asks nothing when no document clears the threshold', async () => {
    await config().update('minScore', session.documents[0].score + 1, vscode.ConfigurationTarget.Global);
    const { children, tree } = await rows();
    assert.equal(children[0].kind, 'divider', 'the threshold divider comes first');
    assert.equal(tree.getTreeItem(children[0]).description, `score ≥ ${session.documents[0].score + 1} · 16 more`);
    assert.equal(await vscode.commands.executeCommand(Commands.ask), undefined);
    await noThreshold();
    const restored = await rows();
    assert.deepEqual(restored.children.map((n) => n.kind).slice(0, 4), ['document', 'document', 'document', 'divider']);
    assert.equal(restored.tree.getTreeItem(restored.children[3]).label, 'Below the top 3');
  });

  it('toggles to the merged input order or one file\'s order, each row showing its new rank', async () => {
    await vscode.commands.executeCommand(Commands.showOriginalOrder, { merged: true });
    let { docs, label, children } = await rows();
    assert.deepEqual(docs.map((d) => d.doc.originalRank), Array.from({ length: 16 }, (_, i) => i + 1));
    for (const d of docs) assert.ok(label(d).startsWith(`#${d.doc.rank}\u2002`), label(d));

    await vscode.commands.executeCommand(Commands.showOriginalOrder, { file: 'sparse_results.json' });
    ({ docs, label, children } = await rows());
    const sparseRanks = docs.slice(0, 10).map((d) => d.doc.sources.find((s) => s.file === 'sparse_results.json')?.rank);
    assert.deepEqual(sparseRanks, Array.from({ length: 10 }, (_, i) => i + 1));
    assert.equal(children[10].kind, 'divider');
    assert.equal((await api()).tree.getTreeItem(children[10]).label, 'Not found by sparse_results.json');

    await vscode.commands.executeCommand(Commands.showRerankedOrder);
    ({ docs } = await rows());
    assert.deepEqual(docs.map((d) => d.doc.rank), Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('opens a chunk word-wrapped with a header, the query terms highlighted, read-only', async () => {
    const { docs } = await rows();
    const node = docs.find((d) => d.doc.sources.length === 2 && /mixtral/i.test(d.doc.text))!;
    const { doc } = node;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(Commands.openChunk, node);
    const text = editor.document.getText();
    assert.equal(editor.document.languageId, 'rerank-lens-chunk');
    assert.equal(vscode.workspace.getConfiguration('editor', editor.document).get('wordWrap'), 'on');
    const lines = text.split('\n');
    assert.equal(lines[0], `#${doc.rank} of 16 · score ${doc.score.toFixed(4)} (raw logit) · probability ${doc.probability.toFixed(4)} · id ${doc.id}`);
    for (const s of doc.sources) assert.ok(lines.includes(`${s.file === 'dense_results.json' ? 'D' : 'S'} ${s.file}: rank ${s.rank}, score ${s.score}`), text);
    assert.ok(lines.includes(`Query: ${QUERY}`));
    assert.ok(text.endsWith(`\n${doc.text}`), 'the text follows the header unchanged');

    const { chunkView } = await api();
    const ranges = chunkView.highlightsIn(editor.document.uri)!;
    const bodyStart = editor.document.positionAt(text.length - doc.text.length);
    const expected = [...doc.text.matchAll(/(?<![\p{L}\p{N}])(context|size|mixtral)/giu)].length;
    assert.ok(expected > 0, 'the sample chunk mentions the query terms');
    assert.equal(ranges.length, expected);
    for (const r of ranges) {
      assert.ok(r.start.isAfterOrEqual(bodyStart), 'only in the text, not the header');
      assert.match(editor.document.getText(r), /^(context|size|mixtral)$/i);
    }
    assert.equal(editor.document.isDirty, false);
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem('rerank-lens-chunk'), true);
  });

  it('copies and reveals from the chunk editor\'s title (the commands get its URI)', async () => {
    const { docs } = await rows();
    const { doc } = docs[4];
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(Commands.openChunk, docs[4]);
    await vscode.commands.executeCommand(Commands.copyText, editor.document.uri);
    assert.equal(await vscode.env.clipboard.readText(), doc.text);
    await vscode.commands.executeCommand(Commands.revealInSource, editor.document.uri);
    const source = vscode.window.activeTextEditor!;
    const last = doc.sources[doc.sources.length - 1];
    assert.ok(source.document.uri.path.endsWith(`/${last.file}`), source.document.uri.toString());
    assert.equal(source.selection.active.line, last.line - 1);
  });

  it('re-renders an open chunk\'s header when the threshold changes', async () => {
    const { docs } = await rows();
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(Commands.openChunk, docs[0]);
    assert.match(editor.document.lineAt(1).text, /in the top 3: sent to Ask$/);
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === editor.document && /below the threshold/.test(e.document.lineAt(1).text)) {
          sub.dispose();
          resolve();
        }
      });
    });
    await config().update('minScore', docs[0].doc.score + 1, vscode.ConfigurationTarget.Global);
    await changed;
    assert.match(editor.document.lineAt(1).text, /below the threshold \(score ≥ [-\d.e]+\): not sent to Ask$/);
  });
});
