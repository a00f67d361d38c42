import * as vscode from 'vscode';
import { findTerms, queryTerms } from '../core/query-terms';
import { CHUNK_SCHEME, type ChunkDocuments } from './chunks';

/**
 * Dresses chunk editors: the header in the CodeLens colour, the query's terms in the chunk's text
 * highlighted like find matches (theme colours, also in the overview ruler).
 *
 * The editor title carries the chunk's actions (package.json `editor/title`, `resourceScheme ==
 * rerank-lens-chunk`): Reveal in source and Copy text in `navigation@1`/`@2`. "Mark relevance" (issue 9)
 * belongs next to them (`navigation@3`): a command that gets the chunk URI and resolves it with
 * `ChunkDocuments.entryAt(uri)` to the document and its result, as those two do.
 */
export class ChunkView implements vscode.Disposable {
  private readonly terms = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
    borderStyle: 'solid',
    borderWidth: '1px',
    borderRadius: '2px',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.findMatchForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly header = vscode.window.createTextEditorDecorationType({
    // CodeLens colour: VS Code's own colour for notes about a text (descriptionForeground equals the text's in Light Modern).
    color: new vscode.ThemeColor('editorCodeLens.foreground'),
    isWholeLine: true,
  });
  private readonly applied = new Map<string, vscode.Range[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly chunks: ChunkDocuments) {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.decorate(e))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== CHUNK_SCHEME) return;
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) this.decorate(editor);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.applied.delete(d.uri.toString())),
    ];
  }

  /** Applies the decorations to a chunk editor (other editors are left alone). */
  decorate(editor: vscode.TextEditor): void {
    const { document } = editor;
    if (document.uri.scheme !== CHUNK_SCHEME) return;
    const entry = this.chunks.entryAt(document.uri);
    // The provider's text and the document can differ for a moment while VS Code refetches it.
    if (!entry || document.getText() !== entry.rendered.content) {
      editor.setDecorations(this.terms, []);
      editor.setDecorations(this.header, []);
      this.applied.delete(document.uri.toString());
      return;
    }
    const { bodyOffset, headerLines } = entry.rendered;
    const ranges = findTerms(entry.doc.text, queryTerms(entry.context.query)).map(
      (r) => new vscode.Range(document.positionAt(bodyOffset + r.start), document.positionAt(bodyOffset + r.end)),
    );
    editor.setDecorations(this.terms, ranges);
    editor.setDecorations(this.header, [new vscode.Range(0, 0, headerLines - 1, 0)]);
    this.applied.set(document.uri.toString(), ranges);
  }

  /** The term ranges last applied to a chunk document (for tests and other features). */
  highlightsIn(uri: vscode.Uri): readonly vscode.Range[] | undefined {
    return this.applied.get(uri.toString());
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.terms.dispose();
    this.header.dispose();
  }
}
