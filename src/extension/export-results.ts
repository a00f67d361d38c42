import * as vscode from 'vscode';
import { toReport } from '../core/rerank';
import type { RerankSession } from './session';

/**
 * Writes the CLI's `--json` report to a file the user picks. An input file is never a valid target:
 * exporting must not destroy the results it was computed from.
 */
export async function exportResults(session: RerankSession, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: 'Export reranked results',
      saveLabel: 'Export',
      defaultUri: folder && vscode.Uri.joinPath(folder, 'reranked_results.json'),
      filters: { JSON: ['json'] },
    }));
  if (!uri) return undefined;
  if (session.files.some((f) => f.toString() === uri.toString())) {
    void vscode.window.showErrorMessage(
      `Rerank Lens: ${vscode.workspace.asRelativePath(uri)} is one of the input files; export to another file so it is not overwritten.`,
    );
    return undefined;
  }
  // The CLI's --json report, whole: how to read the scores, the result set, and what was left unscored.
  const report = toReport(session.query, session.model || session.reranker, session.documents, undefined, {
    scoreKind: session.scoreKind,
    resultSet: session.resultSet,
    unscored: session.unscored,
  });
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n'));
  return uri;
}
