import * as vscode from 'vscode';
import { looksLikeResults, readHead } from '../core/sniff';

/** Names retrieval pipelines commonly give their outputs; these are pre-selected together. */
const LIKELY = /(dense|sparse|hybrid|bm25|vector|semantic|keyword|retriev|search)[-_ ]?(results?|hits|docs|chunks)?/i;

export interface Candidate {
  uri: vscode.Uri;
  picked: boolean;
}

/**
 * Workspace files that look like retrieval results, judged from their first 4 KB only (see core/sniff):
 * a workspace with a few large JSON files stays quick to pick from.
 */
export async function findResultFiles(glob: string, token?: vscode.CancellationToken): Promise<Candidate[]> {
  const uris = await vscode.workspace.findFiles(glob, '**/node_modules/**', 500, token);
  const looks = await Promise.all(uris.map(async (uri) => ((await isCandidate(uri)) ? uri : undefined)));
  const found = looks.filter((u): u is vscode.Uri => u !== undefined).sort((a, b) => a.path.localeCompare(b.path));
  return preselect(found);
}

async function isCandidate(uri: vscode.Uri): Promise<boolean> {
  // Only files on disk can be reranked (the engine reads them with Node).
  if (uri.scheme !== 'file') return false;
  try {
    return looksLikeResults(await readHead(uri.fsPath));
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
