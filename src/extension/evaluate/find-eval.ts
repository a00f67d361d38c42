import * as vscode from 'vscode';
import { looksLikeRunLine } from '../../core/eval/qrels';
import { readHead, storedQueryIn } from '../../core/sniff';

const EXCLUDE = '**/{node_modules,.git}/**';

/** A BEIR-style folder: corpus.jsonl and queries.jsonl side by side, with the qrels and runs found around them. */
export interface EvalFolder {
  folder: vscode.Uri;
  corpus: vscode.Uri;
  queries: vscode.Uri;
  /** qrels/*.tsv (BEIR) first, then other qrels-looking files; possibly none. */
  qrels: vscode.Uri[];
  /** TREC run files, and results files that store their query, under the folder. */
  runs: vscode.Uri[];
}

/** Every folder of the workspace that holds corpus.jsonl and queries.jsonl, nearest the root first. */
export async function findEvalFolders(): Promise<EvalFolder[]> {
  const corpora = await vscode.workspace.findFiles('**/corpus.jsonl', EXCLUDE, 50);
  const folders: EvalFolder[] = [];
  for (const corpus of corpora) {
    const folder = vscode.Uri.joinPath(corpus, '..');
    const queries = vscode.Uri.joinPath(folder, 'queries.jsonl');
    if (!(await exists(queries))) continue;
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), EXCLUDE, 500);
    const others = files.filter((f) => f.fsPath !== corpus.fsPath && f.fsPath !== queries.fsPath).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const qrels: vscode.Uri[] = [];
    const runs: vscode.Uri[] = [];
    for (const file of others) {
      const kind = await sniff(file);
      if (kind === 'qrels') qrels.push(file);
      else if (kind === 'run') runs.push(file);
    }
    // BEIR's own layout (qrels/test.tsv) before anything else.
    qrels.sort((a, b) => Number(!/[\\/]qrels[\\/]/.test(a.fsPath)) - Number(!/[\\/]qrels[\\/]/.test(b.fsPath)));
    folders.push({ folder, corpus, queries, qrels, runs });
  }
  return folders.sort((a, b) => a.folder.fsPath.split(/[\\/]/).length - b.folder.fsPath.split(/[\\/]/).length || a.folder.fsPath.localeCompare(b.folder.fsPath));
}

/** What a file looks like from its first 4 KB: qrels, a run (TREC or results with a stored query), or neither. */
async function sniff(file: vscode.Uri): Promise<'qrels' | 'run' | undefined> {
  if (file.scheme !== 'file') return undefined;
  const head = await readHead(file.fsPath).catch(() => '');
  const trimmed = head.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (/\.(json|jsonl|ndjson)$/i.test(file.path) && storedQueryIn(head)) return 'run';
    return /qrels/i.test(file.path) && trimmed.startsWith('{') ? 'qrels' : undefined;
  }
  const first = trimmed.split('\n', 1)[0]?.trim() ?? '';
  const fields = first.includes('\t') ? first.split('\t') : first.split(/\s+/);
  if (looksLikeRunLine(fields)) return 'run';
  if (/^query-id\tcorpus-id\tscore/i.test(first)) return 'qrels';
  if (fields.length === 4 && /^-?\d+$/.test(fields[3]) && /qrel/i.test(file.path)) return 'qrels';
  return undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
