import * as vscode from 'vscode';

const SNIFF_BYTES = 4096;
/** Names retrieval pipelines commonly give their outputs; these are pre-selected together. */
const LIKELY = /(dense|sparse|hybrid|bm25|vector|semantic|keyword|retriev|search)[-_ ]?(results?|hits|docs|chunks)?/i;

export interface Candidate {
  uri: vscode.Uri;
  picked: boolean;
}

/**
 * Workspace files that look like retrieval results: JSON/JSONL whose first bytes contain objects with
 * an id and a text field. Only a few KB of each file are read.
 */
export async function findResultFiles(glob: string, token?: vscode.CancellationToken): Promise<Candidate[]> {
  const uris = await vscode.workspace.findFiles(glob, '**/node_modules/**', 500, token);
  const looks = await Promise.all(uris.map(async (uri) => ((await looksLikeResults(uri)) ? uri : undefined)));
  const found = looks.filter((u): u is vscode.Uri => u !== undefined).sort((a, b) => a.path.localeCompare(b.path));
  return preselect(found);
}

export async function looksLikeResults(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size === 0) return false;
    const head = new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, SNIFF_BYTES));
    const start = head.replace(/^\ufeff/, '').trimStart();
    if (!start.startsWith('[') && !start.startsWith('{')) return false;
    return /"(id|_id|id_)"\s*:/.test(head) && /"(text|page_content|content)"\s*:/.test(head);
  } catch {
    return false;
  }
}

/** Picks the files of one retrieval run (e.g. dense + sparse in one folder), else the first file. */
export function preselect(uris: readonly vscode.Uri[]): Candidate[] {
  const likely = uris.filter((u) => LIKELY.test(u.path.split('/').pop() ?? ''));
  const folder = likely[0] && likely[0].path.slice(0, likely[0].path.lastIndexOf('/'));
  const chosen = new Set(
    folder !== undefined ? likely.filter((u) => u.path.slice(0, u.path.lastIndexOf('/')) === folder) : uris.slice(0, 1),
  );
  return uris.map((uri) => ({ uri, picked: chosen.has(uri) }));
}
