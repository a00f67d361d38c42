import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/commands';
import type { RerankSession } from '../../src/extension/session';
import type { ResultNode } from '../../src/extension/tree';
import { QUERY, api, workspaceFile } from './helpers';

type DocumentNode = Extract<ResultNode, { kind: 'document' }>;

const rerank = (args: { files: vscode.Uri[]; query?: string; queryIndex?: number }) =>
  vscode.commands.executeCommand<RerankSession | undefined>(Commands.rerank, args);

/** The query row's tooltip and the document rows, as the view shows them. */
async function view(): Promise<{ tooltip: string; docs: DocumentNode[]; item: (n: ResultNode) => vscode.TreeItem }> {
  const { tree } = await api();
  const [root] = tree.getChildren();
  const md = tree.getTreeItem(root).tooltip as vscode.MarkdownString;
  const docs = tree.getChildren(root).filter((n): n is DocumentNode => n.kind === 'document');
  // Markdown escapes (qdrant\-points\.json): compare unescaped.
  return { tooltip: md.value.replace(/\\(.)/g, '$1'), docs, item: (n) => tree.getTreeItem(n) };
}

async function write(name: string, content: unknown): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(content, null, 2)));
  return uri;
}

describe('result shapes in the editor', () => {
  const written: vscode.Uri[] = [];
  before(api);
  after(async () => {
    for (const uri of written) await vscode.workspace.fs.delete(uri);
  });

  it('reads a Qdrant dump in the reader worker and says so in the query row tooltip, the log and the source scores', async () => {
    const session = await rerank({ files: [workspaceFile('formats/qdrant-points.json')], query: QUERY });
    assert.ok(session, 'reranked');
    assert.deepEqual(session.documents.map((d) => d.id).sort(), [15, 2, 4].sort());
    const { tooltip, docs, item } = await view();
    assert.ok(tooltip.includes('- formats/qdrant-points.json: Qdrant points, 3 documents'), tooltip);
    const first = docs.find((d) => d.doc.id === 15)!;
    const docTooltip = (item(first).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(docTooltip.includes('formats/qdrant-points.json: rank 1, score 0.8612 (higher is better, judged from their order)'), docTooltip);
    const { storage } = await api();
    const log = readFileSync(join(storage.logUri.fsPath, 'Rerank Lens.log'), 'utf8');
    assert.match(log, /read formats\/qdrant-points\.json as Qdrant points \(3 documents\)/);
  });

  it('shows a distance as a distance', async () => {
    await rerank({ files: [workspaceFile('formats/vector-rows.json')], query: QUERY });
    const { docs, item } = await view();
    const tooltip = (item(docs[0]).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /formats\/vector-rows\.json: rank \d, _distance [\d.]+ \(lower is better\)/);
  });

  it('reranks the result set given by queryIndex, keeps it for Rerank again, and lists it in the tooltip', async () => {
    const session = await rerank({ files: [workspaceFile('formats/chroma-query.json')], query: QUERY, queryIndex: 1 });
    assert.ok(session);
    assert.deepEqual(session.resultSet, { index: 1, of: 2, label: 'query 2' });
    assert.deepEqual(session.documents.map((d) => d.id).sort(), ['15', '4']);
    const { tooltip } = await view();
    assert.ok(tooltip.includes('- formats/chroma-query.json: Chroma query results, set 2 of 2 (query 2), 2 documents'), tooltip);
    const again = await vscode.commands.executeCommand<RerankSession>(Commands.rerankAgain, { query: 'How many experts?' });
    assert.deepEqual([again.query, again.resultSet?.index, again.documents.length], ['How many experts?', 1, 2]);
  });

  it('offers the chosen result set\'s stored query as the default query', async () => {
    const spans = await write('two-spans.json', [
      { name: 'retrieve', attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'first stored query', 'retrieval.documents': [{ 'document.id': 'a', 'document.content': 'Mixtral has 8 experts.' }] } },
      { name: 'retrieve', attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'second stored query', 'retrieval.documents': [{ 'document.id': 'b', 'document.content': 'Its context is 32k tokens.' }] } },
    ]);
    written.push(spans);
    let settled = false;
    const pending = Promise.resolve(rerank({ files: [spans], queryIndex: 1 })).finally(() => (settled = true));
    // The query box opens once the file is read, filled with the set's query: accept it as soon as it is there.
    for (let i = 0; i < 100 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const session = await pending;
    assert.ok(session, 'reranked');
    assert.equal(session.query, 'second stored query');
    assert.deepEqual(session.documents.map((d) => d.id), ['b']);
  });

  it('marks a document whose files give it different texts, naming both files', async () => {
    const a = await write('conflict-a.json', [{ id: 1, text: 'Mixtral has 8 experts per layer.' }, { id: 2, text: 'Same in both.' }]);
    const b = await write('conflict-b.json', [{ id: '1', text: 'Mixtral routes each token to 2 of 8 experts.' }, { id: 2, text: 'Same in both.' }]);
    written.push(a, b);
    const session = await rerank({ files: [a, b], query: QUERY });
    assert.ok(session);
    assert.ok(session.warnings.some((w) => w.includes('id "1" has a different text in conflict-a.json and conflict-b.json')), session.warnings.join('\n'));
    const { docs, item } = await view();
    // The mark follows the row's badges in its label (what stays visible at the side bar's default width).
    const marked = docs.filter((d) => String(item(d).label).split('\u2002').includes('⚠'));
    assert.deepEqual(marked.map((d) => String(d.doc.id)), ['1']);
    const tooltip = (item(marked[0]).tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes('Texts differ** for this id in conflict-a.json, conflict-b.json; the text from conflict-b.json is shown'), tooltip);
    assert.equal(marked[0].doc.text, 'Mixtral routes each token to 2 of 8 experts.');
  });
});
