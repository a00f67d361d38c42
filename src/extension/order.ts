/**
 * Which order the tree lists documents in: reranked (by score), the merged input order (what the reranker
 * was given), or one input file's own order. Pure (no `vscode`).
 */
import type { RankedDocument } from '../core/rerank';
import { rankIn } from './badges';

export type OrderView = { kind: 'reranked' } | { kind: 'merged' } | { kind: 'source'; file: string };

export const RERANKED: OrderView = { kind: 'reranked' };

export interface Ordered {
  /** The documents in the view's order. */
  listed: RankedDocument[];
  /** In a file's order: the documents that file did not return (reranked order), listed after a divider. */
  missing: RankedDocument[];
}

export function ordered(docs: readonly RankedDocument[], view: OrderView): Ordered {
  switch (view.kind) {
    case 'reranked':
      return { listed: [...docs], missing: [] };
    case 'merged':
      return { listed: [...docs].sort((a, b) => a.originalRank - b.originalRank), missing: [] };
    case 'source': {
      const found = docs.filter((d) => rankIn(d, view.file) !== undefined);
      found.sort((a, b) => rankIn(a, view.file)! - rankIn(b, view.file)!);
      return { listed: found, missing: docs.filter((d) => rankIn(d, view.file) === undefined) };
    }
  }
}

/** The position a document had before reranking in this view (undefined when its file did not return it). */
export function positionBefore(doc: RankedDocument, view: OrderView): number | undefined {
  return view.kind === 'source' ? rankIn(doc, view.file) : doc.originalRank;
}

export function describeOrder(view: OrderView): string {
  return view.kind === 'reranked' ? 'reranked order' : view.kind === 'merged' ? 'merged input order' : `${view.file} order`;
}

/** A view that still fits the files of new results (a file that is gone falls back to the merged order). */
export function keepOrder(view: OrderView, files: readonly string[]): OrderView {
  return view.kind === 'source' && !files.includes(view.file) ? { kind: 'merged' } : view;
}
