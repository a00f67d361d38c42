import * as vscode from 'vscode';
import type { RankedDocument } from '../core/rerank';
import type { Standing } from '../core/threshold';

const ROW_SCHEME = 'rerank-lens-row';

/**
 * A document row's `resourceUri`: the only way a tree item's label can take a colour is a file decoration,
 * and the URI carries the row's standing so that the decoration needs no state of its own.
 */
export function rowUri(doc: Pick<RankedDocument, 'id'>, standing: Standing): vscode.Uri {
  return vscode.Uri.from({ scheme: ROW_SCHEME, path: `/${encodeURIComponent(String(doc.id))}`, query: standing });
}

/** Dims the rows below the threshold (what Ask leaves out), so the cut shows at a glance. */
export class RowDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ROW_SCHEME || uri.query !== 'below-threshold') return undefined;
    return new vscode.FileDecoration(undefined, 'Below the threshold: not sent to Ask', new vscode.ThemeColor('list.deemphasizedForeground'));
  }
}
