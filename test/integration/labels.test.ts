import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { queryMetrics, type Metrics } from '../../src/core/eval/metrics';
import { derivedQueryId } from '../../src/core/eval/query-labels';
import type { RankedDocument } from '../../src/core/rerank';
import { Commands } from '../../src/extension/commands';
import type { StoredEvaluation } from '../../src/extension/evaluate/report-panel';
import type { Marked } from '../../src/extension/relevance/mark-relevance';
import { GAP } from '../../src/extension/rows';
import type { RerankSession } from '../../src/extension/session';
import type { ResultNode } from '../../src/extension/tree';
import { QUERY, api, closeEditors, readText, workspaceFile } from './helpers';

const DENSE = workspaceFile('dense_results.json');
const SPARSE = workspaceFile('sparse_results.json');
const LABELS = workspaceFile('.rerank-lens/qrels.tsv');
const EVAL_QRELS = workspaceFile('eval/qrels/test.tsv');
const EVAL = {
  corpus: workspaceFile('eval/corpus.jsonl'),
  queries: workspaceFile('eval/queries.jsonl'),
  qrels: EVAL_QRELS,
  runs: [workspaceFile('eval/run.dense.txt'), workspaceFile('eval/run.bm25.txt')],
};
const INPUTS = [DENSE, SPARSE, EVAL.corpus, EVAL.queries, EVAL_QRELS, ...EVAL.runs];
const HEADER = 'query-id\tcorpus-id\tscore\n';
const config = () => vscode.workspace.getConfiguration('rerankLens');
type DocNode = Extract<ResultNode, { kind: 'document' | 'unscored' }>;

const mark = (id: string | number, grade: number) => vscode.commands.executeCommand<Marked | undefined>(Commands.markRelevance, { id, grade });
const clear = (id: string | number) => vscode.commands.executeCommand<Marked | undefined>(Commands.clearRelevance, { id });

/** What the tree shows now: the query row and each document row's marks (what follows the badges, before the text). */
async function shown() {
  const { tree } = await api();
  const [root] = tree.getChildren();
  const item = tree.getTreeItem(root);
  const docs = tree.getChildren(root).filter((n): n is DocNode => n.kind === 'document' || n.kind === 'unscored');
  const marks = new Map(
    docs.map((n) => {
      // Score, movement, badges (with two files), the marks, then the text: a mark is a part of its own.
      const parts = String(tree.getTreeItem(n).label).split(GAP);
      return [String(n.doc.id), parts.filter((p) => /^[★✓✗]\d+$|^[⇑⇓⚠]$/.test(p))] as const;
    }),
  );
  return { tree, docs, marks, description: String(item.description), tooltip: (item.tooltip as vscode.MarkdownString).value, a11y: item.accessibilityInformation?.label ?? '' };
}

/**
 * Deletes the labels file as a person would: not within milliseconds of the last write. The atomic writer
 * renames over the file (a create event); VS Code's watcher drops a create and a delete of one path that
 * arrive in the same batch, so a delete right after a mark could go unreported.
 */
async function deleteLater(path: string): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
  await rm(path);
}

/** Polls until `check` holds (the tree follows a file on disk through a watcher). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    // Kept short: the extension host drops a console message past its size limit, failure included.
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value, (key, v: unknown) => (key === 'tree' || key === 'docs' ? undefined : v instanceof Map ? [...v] : v)).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** The metrics of the session's two orders, computed here from the judgments (not from the tree's code). */
function expected(docs: readonly RankedDocument[], judged: Map<string, number>, k = 10): { input: Metrics; reranked: Metrics } {
  const ids = (list: RankedDocument[]) => list.map((d) => String(d.id));
  return {
    input: queryMetrics(ids([...docs].sort((a, b) => a.originalRank - b.originalRank)), judged, k),
    reranked: queryMetrics(ids([...docs].sort((a, b) => a.rank - b.rank)), judged, k),
  };
}
const part = (m: { input: Metrics; reranked: Metrics }) => `nDCG@10 ${m.input.ndcg.toFixed(2)} → ${m.reranked.ndcg.toFixed(2)}`;

describe('Relevance labels in the extension host', () => {
  let session: RerankSession;
  let inputs: Map<string, string>;
  let plain: string;
  const qid = derivedQueryId(QUERY);

  before(async () => {
    await api();
    inputs = new Map(await Promise.all(INPUTS.map(async (u) => [u.toString(), await readText(u)] as const)));
    session = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, { files: [DENSE, SPARSE], query: QUERY }))!;
    plain = (await shown()).description;
  });
  afterEach(async () => {
    await closeEditors();
    await config().update('qrelsFile', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('labelField', undefined, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await rm(workspaceFile('.rerank-lens').fsPath, { recursive: true, force: true });
    await rm(workspaceFile('labels').fsPath, { recursive: true, force: true });
    for (const [uri, text] of inputs) assert.equal(await readText(vscode.Uri.parse(uri)), text, `${uri} is unchanged`);
  });

  it('without labels the tree is as before: no marks, no metrics', async () => {
    const { marks, description } = await shown();
    assert.ok([...marks.values()].every((m) => m.length === 0));
    assert.doesNotMatch(description, /nDCG/);
  });

  it('marks relevance from the command into a BEIR qrels file in the workspace: badges on the rows, the metrics on the query row', async () => {
    const [first, second, , , fifth] = session.documents;
    const written = await mark(fifth.id, 3);
    assert.deepEqual(written && { ...written, file: written.file.toString() }, { queryId: qid, docId: String(fifth.id), grade: 3, file: LABELS.toString() });
    await mark(first.id, 1);
    await mark(second.id, 0);
    assert.equal(await readText(LABELS), `${HEADER}${qid}\t${fifth.id}\t3\n${qid}\t${first.id}\t1\n${qid}\t${second.id}\t0\n`);
    for (const input of [DENSE, SPARSE]) assert.equal(await readText(input), inputs.get(input.toString()), `${input.path} is byte for byte as before`);

    const { marks, description, tooltip, a11y, tree, docs } = await shown();
    assert.deepEqual(marks.get(String(fifth.id))?.[0], '★3');
    assert.deepEqual(marks.get(String(first.id))?.[0], '✓1');
    assert.deepEqual(marks.get(String(second.id)), ['✗0']);
    assert.equal([...marks.values()].filter((m) => m.length).length, 3, 'only the labelled rows carry a mark');

    const judged = new Map([[String(fifth.id), 3], [String(first.id), 1], [String(second.id), 0]]);
    const want = expected(session.documents, judged);
    assert.equal(description, `${part(want)} · ${plain}`, 'the metrics lead the description');
    const { labels, current } = await api();
    assert.deepEqual(labels.viewFor(current()!)?.summary && { input: labels.viewFor(current()!)!.summary!.input, reranked: labels.viewFor(current()!)!.summary!.reranked }, want);
    assert.ok(tooltip.includes(`\`${qid}\``) && tooltip.includes('derived from the query text'), 'the query id and where it comes from');
    assert.ok(tooltip.includes(`| MAP | ${want.input.map.toFixed(3)} | ${want.reranked.map.toFixed(3)} |`), tooltip);
    assert.match(a11y, /nDCG at 10: .* in the input order, .* reranked/);
    const row = tree.getTreeItem(docs.find((d) => d.doc.id === fifth.id)!);
    const rowTip = (row.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(rowTip.includes(`**Relevance ★3** Perfect (3) · from .rerank-lens/qrels.tsv · query id ${qid}`), rowTip);
    assert.match(row.accessibilityInformation!.label, /relevance Perfect \(3\)/);
    assert.match(row.contextValue!, /^document.*\.marked$/, 'Clear relevance applies');
  });

  it('changing a label changes the metrics at once; Clear relevance takes it out of the file', async () => {
    const [first, second, , , fifth] = session.documents;
    const before = (await shown()).description;
    await mark(fifth.id, 0);
    const judged = new Map([[String(fifth.id), 0], [String(first.id), 1], [String(second.id), 0]]);
    const after = await shown();
    assert.equal(after.description, `${part(expected(session.documents, judged))} · ${plain}`);
    assert.notEqual(after.description, before);
    assert.deepEqual(after.marks.get(String(fifth.id)), ['✗0']);

    assert.equal((await clear(first.id))?.grade, null);
    assert.equal(await readText(LABELS), `${HEADER}${qid}\t${fifth.id}\t0\n${qid}\t${second.id}\t0\n`);
    assert.equal((await shown()).description, `no relevant label · ${plain}`);
    await clear(fifth.id);
    await clear(second.id);
    assert.equal(await readText(LABELS), HEADER, 'the header stays');
    const cleared = await shown();
    assert.equal(cleared.description, plain, 'no labels: the row is as before');
    assert.ok([...cleared.marks.values()].every((m) => m.length === 0));
  });

  it('follows the labels file on disk: an edit, then a delete, shows in the tree', async () => {
    const doc = session.documents[2];
    await writeFile(LABELS.fsPath, `${HEADER}other-query\t${doc.id}\t3\n${qid}\t${doc.id}\t2\n`);
    const edited = await until('the edit', shown, (s) => s.marks.get(String(doc.id))?.[0] === '✓2');
    assert.equal(edited.description, `${part(expected(session.documents, new Map([[String(doc.id), 2]])))} · ${plain}`);
    await rm(LABELS.fsPath);
    await until('the delete', shown, (s) => s.description === plain);
  });

  it('marks the relevant documents the reranker moved across the top-k cut, and lists them in the query tooltip', async () => {
    const k = session.topK;
    const movedIn = session.documents.filter((d) => d.rank <= k && d.originalRank > k);
    const movedOut = session.documents.filter((d) => d.rank > k && d.originalRank <= k);
    const stayed = session.documents.filter((d) => d.rank <= k && d.originalRank <= k);
    assert.ok(movedIn.length > 0 && movedOut.length > 0, `the sample reorders across the top ${k}`);
    for (const d of [...movedIn, ...movedOut, ...stayed]) await mark(d.id, 2);
    const { marks, tooltip } = await shown();
    for (const d of movedIn) assert.deepEqual(marks.get(String(d.id)), ['✓2', '⇑'], `${d.id} moved in`);
    for (const d of movedOut) assert.deepEqual(marks.get(String(d.id)), ['✓2', '⇓'], `${d.id} moved out`);
    for (const d of stayed) assert.deepEqual(marks.get(String(d.id)), ['✓2'], `${d.id} stayed`);
    const ids = (list: RankedDocument[]) => list.sort((a, b) => a.rank - b.rank).map((d) => `id ${String(d.id)}`).join(', ');
    const line = tooltip.replace(/\\(.)/g, '$1');
    assert.ok(line.includes(`⇑ moved in ${ids(movedIn)}; ⇓ moved out ${ids(movedOut)}.`), line);
    // Marking one of them not relevant takes its mark away.
    await mark(movedIn[0].id, 0);
    assert.deepEqual((await shown()).marks.get(String(movedIn[0].id)), ['✗0']);
    await deleteLater(LABELS.fsPath);
    await until('no labels', shown, (s) => s.description === plain);
  });

  it('keeps a TREC qrels file TREC', async () => {
    const trec = workspaceFile('labels/trec-qrels.txt');
    await mkdir(workspaceFile('labels').fsPath, { recursive: true });
    await writeFile(trec.fsPath, 'other 0 7 1\n');
    await config().update('qrelsFile', 'labels/trec-qrels.txt', vscode.ConfigurationTarget.Workspace);
    const doc = session.documents[0];
    assert.equal((await mark(doc.id, 2))?.file.toString(), trec.toString());
    assert.equal(await readText(trec), `other 0 7 1\n${qid} 0 ${doc.id} 2\n`);
    assert.equal((await shown()).marks.get(String(doc.id))?.[0], '✓2');
    assert.equal((await clear(doc.id))?.grade, null);
    assert.equal(await readText(trec), 'other 0 7 1\n', 'the line is gone, the other query keeps its own');
    assert.deepEqual((await shown()).marks.get(String(doc.id)), []);
  });

  it('leaves a malformed labels file as it is, naming the file and line in the query row and the log', async () => {
    const [first, second] = session.documents;
    const text = `${HEADER}${qid}\t${first.id}\t2\n${qid}\t${second.id}\thigh\n`;
    await mkdir(workspaceFile('.rerank-lens').fsPath, { recursive: true });
    await writeFile(LABELS.fsPath, text);
    const problem = `.rerank-lens/qrels.tsv:3: the grade "high" is not an integer`;
    const broken = await until('the broken file', shown, (s) => s.description.startsWith('⚠ labels'));
    assert.equal(broken.description, `⚠ labels · ${plain}`);
    assert.ok(broken.tooltip.replace(/\\(.)/g, '$1').includes(`⚠ ${problem}`), broken.tooltip);
    assert.ok([...broken.marks.values()].every((m) => m.length === 0), 'no label read from a broken file');

    assert.equal(await mark(session.documents[2].id, 1), undefined, 'nothing marked');
    assert.equal(await clear(first.id), undefined, 'nothing cleared');
    assert.equal(await readText(LABELS), text, 'the file is byte for byte as it was');
    const { storage } = await api();
    // The log says why (the notification shows the same message, with Open File at that line).
    const logged = `Label not written: ${problem}`;
    const log = vscode.Uri.joinPath(storage.logUri, 'Rerank Lens.log');
    const lines = await until('the log line', async () => (await readText(log)).split('\n').filter((l) => /Label/.test(l)), (l) => l.some((line) => line.includes(logged)));
    assert.ok(lines.length > 0);

    // Fixed on disk: the warning goes and its labels show.
    await writeFile(LABELS.fsPath, `${HEADER}${qid}\t${first.id}\t2\n${qid}\t${second.id}\t1\n`);
    const fixed = await until('the fixed file', shown, (s) => s.description.startsWith('nDCG'));
    assert.deepEqual([fixed.marks.get(String(first.id))?.[0], fixed.marks.get(String(second.id))?.[0]], ['✓2', '✓1']);
    assert.ok(!fixed.tooltip.includes('⚠'), 'the warning is gone');
    await deleteLater(LABELS.fsPath);
    await until('no labels', shown, (s) => s.description === plain);
  });

  it('refuses an input file as the labels file, writing nothing', async () => {
    await vscode.commands.executeCommand(Commands.evaluate, { ...EVAL, rerank: false });
    for (const target of ['dense_results.json', 'eval/qrels/test.tsv', 'eval/run.bm25.txt']) {
      await config().update('qrelsFile', target, vscode.ConfigurationTarget.Workspace);
      assert.equal(await mark(session.documents[0].id, 3), undefined, target);
      assert.equal(await clear(session.documents[0].id), undefined, target);
    }
    for (const [uri, text] of inputs) assert.equal(await readText(vscode.Uri.parse(uri)), text, `${uri} is unchanged`);
  });

  it('judges a document left unscored past rerankLens.maxDocuments: its row shows the grade, the metrics count it where the tree lists it', async () => {
    await config().update('maxDocuments', 5, vscode.ConfigurationTarget.Global);
    try {
      const capped = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, { files: [DENSE, SPARSE], query: QUERY }))!;
      assert.equal(capped.documents.length, 5);
      const [left] = capped.unscored;
      const best = [...capped.documents].sort((a, b) => a.rank - b.rank)[0];
      assert.equal((await mark(left.id, 3))?.docId, String(left.id));
      await mark(best.id, 1);
      assert.equal(await readText(LABELS), `${HEADER}${qid}\t${left.id}\t3\n${qid}\t${best.id}\t1\n`);

      const { marks, description, tree, docs } = await shown();
      assert.deepEqual(marks.get(String(left.id))?.[0], '★3');
      const row = tree.getTreeItem(docs.find((d) => d.kind === 'unscored' && d.doc.id === left.id)!);
      assert.equal(row.contextValue, 'unscored.marked', 'Clear relevance applies to it');
      assert.ok((row.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1').includes('**Relevance ★3** Perfect (3)'));
      // The input order is every document's; the reranked order is the tree's: the scored by rank, then the rest in fused order.
      const ids = (list: { id: string | number }[]) => list.map((d) => String(d.id));
      const all = [...capped.documents, ...capped.unscored].sort((a, b) => a.originalRank - b.originalRank);
      const judged = new Map([[String(left.id), 3], [String(best.id), 1]]);
      const want = {
        input: queryMetrics(ids(all), judged, 10),
        reranked: queryMetrics([...ids([...capped.documents].sort((a, b) => a.rank - b.rank)), ...ids(capped.unscored)], judged, 10),
      };
      assert.ok(description.startsWith(`${part(want)} · `), description);

      await clear(left.id);
      assert.equal(await readText(LABELS), `${HEADER}${qid}\t${best.id}\t1\n`);
      assert.deepEqual((await shown()).marks.get(String(left.id)), []);
    } finally {
      await config().update('maxDocuments', undefined, vscode.ConfigurationTarget.Global);
      await rm(LABELS.fsPath, { force: true });
    }
  });

  it('reads labels from a field of the results (rerankLens.labelField), and says when a value is not a label', async () => {
    const file = workspaceFile('labels/labelled_results.json');
    const docs = [
      { id: 'a', text: 'Mixtral has a context size of 32k tokens.', metadata: { relevant: true, note: 'yes' } },
      { id: 'b', text: 'The router picks two experts per token.', metadata: { relevant: false } },
      { id: 'c', text: 'Mixtral handles long contexts of 32k tokens well.', metadata: { relevant: 2 } },
      { id: 'd', text: 'Instruction tuning with DPO.', metadata: {} },
    ];
    await mkdir(workspaceFile('labels').fsPath, { recursive: true });
    await writeFile(file.fsPath, JSON.stringify(docs));
    await config().update('labelField', 'metadata.relevant', vscode.ConfigurationTarget.Workspace);
    const labelled = (await vscode.commands.executeCommand<RerankSession>(Commands.rerank, { files: [file], query: QUERY }))!;
    const { marks, description, tooltip } = await shown();
    const grades = new Map([['a', 1], ['b', 0], ['c', 2]]);
    // A relevant document the reranker moved across the top k also carries ⇑ or ⇓ (which ones depends on the model's scores).
    const cut = (d: RankedDocument) => (d.rank <= labelled.topK && d.originalRank > labelled.topK ? ['⇑'] : d.rank > labelled.topK && d.originalRank <= labelled.topK ? ['⇓'] : []);
    const wanted = labelled.documents.map((d) => {
      const grade = grades.get(String(d.id));
      return [String(d.id), grade === undefined ? [] : grade > 0 ? [`✓${grade}`, ...cut(d)] : ['✗0']] as const;
    });
    assert.deepEqual(Object.fromEntries(marks), Object.fromEntries(wanted));
    const want = expected(labelled.documents, grades);
    assert.ok(description.startsWith(`${part(want)} · `), description);
    assert.ok(tooltip.includes('from metadata\\.relevant'), tooltip);

    await config().update('labelField', 'metadata.note', vscode.ConfigurationTarget.Workspace);
    const broken = await until('the new label field', shown, (s) => s.description.startsWith('⚠ labels'));
    assert.ok(broken.tooltip.replace(/\\(.)/g, '$1').includes('⚠ labels/labelled_results.json: document "a": the label metadata.note is "yes"'), broken.tooltip);
    assert.ok([...broken.marks.values()].every((m) => m.length === 0));
  });

  it("a query opened from the evaluation shows its qrels' labels and the report's metrics; a mark goes to the labels file under its id", async () => {
    const stored = (await vscode.commands.executeCommand<StoredEvaluation>(Commands.evaluate, { ...EVAL, k: 10, topN: 100 }))!;
    const opened = (await vscode.commands.executeCommand<RerankSession>(Commands.openEvaluationQuery, 'q07'))!;
    const qrels = new Map(
      (await readText(EVAL_QRELS))
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
        .filter(([q]) => q === 'q07')
        .map(([, doc, grade]) => [doc, Number(grade)]),
    );
    assert.ok(qrels.size > 0);
    const s = await until('the evaluation labels', shown, (v) => v.description.startsWith('nDCG'));
    for (const doc of opened.documents) {
      const grade = qrels.get(String(doc.id));
      assert.equal(s.marks.get(String(doc.id))?.[0], grade === undefined ? undefined : grade >= 3 ? `★${grade}` : grade > 0 ? `✓${grade}` : `✗${grade}`, `document ${doc.id}`);
    }
    const report = stored.view.report.perQuery.find((q) => q.id === 'q07')!;
    const { labels, current } = await api();
    const summary = labels.viewFor(current()!)!.summary!;
    assert.equal(summary.input.ndcg, report.input['ndcg@10'], "the report's input nDCG@10");
    assert.equal(summary.reranked.ndcg, report.reranked!['ndcg@10'], "the report's reranked nDCG@10");
    assert.equal(summary.reranked.map, report.reranked!.map);
    assert.ok(s.tooltip.includes('`q07`') && s.tooltip.includes('the id of this query in the evaluation'));

    const unjudged = opened.documents.find((d) => !qrels.has(String(d.id)))!;
    const written = await mark(unjudged.id, 3);
    assert.equal(written?.queryId, 'q07');
    assert.equal(await readText(LABELS), `${HEADER}q07\t${unjudged.id}\t3\n`);
    assert.equal((await shown()).marks.get(String(unjudged.id))?.[0], '★3');
    assert.equal(await readText(EVAL_QRELS), inputs.get(EVAL_QRELS.toString()), "the evaluation's qrels are untouched");
  });
});
