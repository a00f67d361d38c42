import * as vscode from 'vscode';
import { provenance } from './badges';
import type { OrderView } from './order';
import type { RerankSession } from './session';

/** Arguments of "Show original order" without the quick pick (other extensions, tests): one file's order, or the merged one. */
export type OriginalOrderArgs = { file: string } | { merged: true };

/** Menus pass their own arguments (a view title passes its context): only these shapes skip the pick. */
function isOrderArgs(args: unknown): args is OriginalOrderArgs {
  if (typeof args !== 'object' || args === null) return false;
  return typeof (args as { file?: unknown }).file === 'string' || (args as { merged?: unknown }).merged === true;
}

/**
 * Which original order to show: with one file, its order; with several, the user picks the merged input
 * order (what the reranker was given) or one file's own order.
 */
export async function pickOriginalOrder(session: RerankSession, args?: unknown): Promise<OrderView | undefined> {
  if (isOrderArgs(args) && 'file' in args) {
    if (session.fileNames.includes(args.file)) return { kind: 'source', file: args.file };
    void vscode.window.showWarningMessage(`Rerank Lens: ${args.file} is not one of the reranked files.`);
    return undefined;
  }
  if (isOrderArgs(args) || session.fileNames.length < 2) return { kind: 'merged' };
  const { markers } = provenance(session.fileNames);
  type Item = vscode.QuickPickItem & { view: OrderView };
  const items: Item[] = [
    {
      label: '$(list-flat) Merged input order',
      description: 'what the reranker was given',
      detail: `${session.fileNames.join(', then ')}, merged by id`,
      view: { kind: 'merged' },
    },
    ...session.fileNames.map(
      (file): Item => ({
        label: `$(file) ${file}`,
        description: `${markers.get(file)} · its own order`,
        detail: `${session.documents.filter((d) => d.sources.some((s) => s.file === file)).length} documents; the others follow`,
        view: { kind: 'source', file },
      }),
    ),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Rerank Lens: Show original order',
    placeHolder: 'List the documents in which order (each row shows its new rank)?',
  });
  return picked?.view;
}
