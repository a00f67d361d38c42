import * as vscode from 'vscode';
import { findEvalFolders, type EvalFolder } from './find-eval';

/** The files of an evaluation; any of them may be given by the caller, the rest is found or asked. */
export interface EvalInputs {
  corpus: vscode.Uri;
  queries: vscode.Uri;
  qrels: vscode.Uri;
  runs: vscode.Uri[];
}

const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri);

/**
 * Finds BEIR-style folders in the workspace and asks only for what is missing or ambiguous: the
 * folder when there are several, the qrels file when there are several, the runs (all pre-selected).
 * Open dialogs stand in for whatever the workspace does not have. Undefined when the user cancels.
 */
export async function askEvalInputs(given: Partial<EvalInputs>): Promise<EvalInputs | undefined> {
  let folder: EvalFolder | undefined;
  if (!given.corpus || !given.queries || !given.qrels || !given.runs?.length) {
    const folders = await findEvalFolders();
    folder = folders.length > 1 ? await pickFolder(folders) : folders[0];
    if (folders.length > 1 && !folder) return undefined;
  }
  const corpus = given.corpus ?? folder?.corpus ?? (await openOne('BEIR corpus (corpus.jsonl)', ['jsonl']));
  if (!corpus) return undefined;
  const queries = given.queries ?? folder?.queries ?? (await openOne('BEIR queries (queries.jsonl)', ['jsonl'], corpus));
  if (!queries) return undefined;
  const qrels = given.qrels ?? (await pickQrels(folder?.qrels ?? [], corpus));
  if (!qrels) return undefined;
  const runs = given.runs?.length ? given.runs : await pickRuns(folder?.runs ?? [], corpus);
  if (!runs?.length) return undefined;
  return { corpus, queries, qrels, runs };
}

async function pickFolder(folders: readonly EvalFolder[]): Promise<EvalFolder | undefined> {
  const items = folders.map((f) => ({
    label: rel(f.folder),
    description: `${f.runs.length} run${f.runs.length === 1 ? '' : 's'}, ${f.qrels.length} qrels`,
    iconPath: vscode.ThemeIcon.Folder,
    folder: f,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Rerank Lens: dataset to evaluate', placeHolder: 'Folders with corpus.jsonl and queries.jsonl', ignoreFocusOut: true });
  return picked?.folder;
}

async function pickQrels(found: readonly vscode.Uri[], near: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (found.length === 1) return found[0];
  if (found.length === 0) return openOne('relevance judgments (qrels: TREC, BEIR .tsv or JSON)', ['tsv', 'txt', 'qrels', 'json'], near);
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: rel(uri), iconPath: vscode.ThemeIcon.File, resourceUri: uri, uri })),
    { title: 'Rerank Lens: relevance judgments (qrels)', placeHolder: 'Pick the qrels to evaluate against', ignoreFocusOut: true },
  );
  return picked?.uri;
}

async function pickRuns(found: readonly vscode.Uri[], near: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  if (found.length === 0) return openMany('runs (TREC run files, or results files that store their query)', near);
  if (found.length === 1) return [found[0]];
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: rel(uri), iconPath: vscode.ThemeIcon.File, resourceUri: uri, picked: true, uri })),
    { canPickMany: true, title: 'Rerank Lens: runs to evaluate', placeHolder: 'Each run is a source; several are also fused (RRF) and reranked together', ignoreFocusOut: true },
  );
  return picked && picked.length ? picked.map((p) => p.uri) : undefined;
}

async function openOne(what: string, extensions: string[], near?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: `Rerank Lens: ${what}`,
    openLabel: 'Use',
    canSelectMany: false,
    defaultUri: near && vscode.Uri.joinPath(near, '..'),
    filters: { [what]: extensions, 'All files': ['*'] },
  });
  return picked?.[0];
}

async function openMany(what: string, near: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({ title: `Rerank Lens: ${what}`, openLabel: 'Use', canSelectMany: true, defaultUri: vscode.Uri.joinPath(near, '..') });
}
