import * as vscode from 'vscode';
import type { RankedDocument } from '../core/rerank';
import { renderChunk, type ChunkContext, type RenderedChunk } from './chunk-header';
import { firstWords } from './labels';
import type { RerankSession } from './session';

export const CHUNK_SCHEME = 'rerank-lens-chunk';
/**
 * Every chunk URI lives under this folder: the `rerank-lens-chunk` language (package.json) claims it by
 * `filenamePatterns`, and its `configurationDefaults` turn word wrap on, so a chunk opens wrapped.
 */
const CHUNK_FOLDER = '/rerank-lens-chunk';

export interface ChunkEntry {
  doc: RankedDocument;
  context: ChunkContext;
  rendered: RenderedChunk;
}

export function chunkContext(session: RerankSession): ChunkContext {
  return {
    query: session.query,
    fileNames: session.fileNames,
    documentCount: session.documents.length,
    cut: { topK: session.topK, ...session.threshold },
  };
}

/**
 * Serves chunks as read-only documents (`rerank-lens-chunk:` URIs), a header then the text: content
 * providers cannot be edited, so opening a chunk never risks writing to anything.
 */
export class ChunkDocuments implements vscode.TextDocumentContentProvider {
  private readonly entries = new Map<string, ChunkEntry>();
  /**
   * Counts results: part of each URI, so a chunk of new results never reuses a document VS Code still
   * holds for an earlier one (it would show that one's text until it refetched).
   */
  private generation = 1;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  uriFor(doc: RankedDocument, context: ChunkContext): vscode.Uri {
    const name = firstWords(doc.text, 40).replace(/[\\/:*?"<>|#%]/g, ' ').trim() || 'chunk';
    const uri = vscode.Uri.from({
      scheme: CHUNK_SCHEME,
      path: `${CHUNK_FOLDER}/#${doc.rank} ${name}`,
      query: `id=${encodeURIComponent(String(doc.id))}&results=${this.generation}`,
    });
    const key = uri.toString();
    const rendered = renderChunk(doc, context);
    const fresh = this.entries.get(key)?.rendered.content !== rendered.content;
    this.entries.set(key, { doc, context, rendered });
    if (fresh) this.changedIfOpen(key);
    return uri;
  }

  /** The document and result behind a chunk URI (editor-title commands get the URI). */
  entryAt(uri: vscode.Uri): ChunkEntry | undefined {
    return this.entries.get(uri.toString());
  }

  /** Re-renders open chunks for a new cut, so their headers say where each document now stands. */
  refresh(context: ChunkContext): void {
    for (const [key, entry] of this.entries) {
      const rendered = renderChunk(entry.doc, context);
      if (rendered.content === entry.rendered.content) continue;
      this.entries.set(key, { ...entry, context, rendered });
      this.changedIfOpen(key);
    }
  }

  /** Forgets the chunks of earlier results (open tabs then say so), so the map only holds the current ones. */
  reset(): void {
    const stale = [...this.entries.keys()];
    this.entries.clear();
    this.generation++;
    for (const key of stale) this.changedIfOpen(key);
  }

  /** Only open documents need refetching (a closed one is read afresh when opened; telling VS Code about it races its disposal). */
  private changedIfOpen(key: string): void {
    const open = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === key);
    if (open) this.changed.fire(open.uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.entries.get(uri.toString())?.rendered.content ?? '(This chunk is no longer in the reranked results.)';
  }

  dispose(): void {
    this.changed.dispose();
  }
}
