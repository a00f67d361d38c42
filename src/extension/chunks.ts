import * as vscode from 'vscode';
import type { RankedDocument } from '../core/rerank';
import { firstWords } from './labels';

export const CHUNK_SCHEME = 'rerank-lens-chunk';

/**
 * Serves chunk texts as read-only documents (`rerank-lens-chunk:` URIs): content providers cannot be
 * edited, so opening a chunk never risks writing to anything.
 */
export class ChunkDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  uriFor(doc: RankedDocument): vscode.Uri {
    const name = firstWords(doc.text, 40).replace(/[\\/:*?"<>|#%]/g, ' ').trim() || 'chunk';
    const uri = vscode.Uri.from({ scheme: CHUNK_SCHEME, path: `/#${doc.rank} ${name}.txt`, query: `id=${encodeURIComponent(String(doc.id))}` });
    const key = uri.toString();
    const fresh = this.texts.get(key) !== doc.text;
    this.texts.set(key, doc.text);
    if (fresh) this.changed.fire(uri);
    return uri;
  }

  /** Forgets the chunks of earlier results (open tabs then say so), so the map only holds the current ones. */
  reset(): void {
    const stale = [...this.texts.keys()];
    this.texts.clear();
    for (const key of stale) this.changed.fire(vscode.Uri.parse(key));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(This chunk is no longer in the reranked results.)';
  }

  dispose(): void {
    this.changed.dispose();
  }
}
