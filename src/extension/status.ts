import * as vscode from 'vscode';

/** A status bar entry visible while the model downloads, loads or scores. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rerankLens.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Rerank Lens';
  }

  /** `cancellable`: a click runs Cancel Reranking (only "Rerank results" registers its work there). */
  busy(what: string, cancellable = true): void {
    this.item.text = `$(loading~spin) Rerank Lens: ${what}`;
    this.item.tooltip = cancellable ? 'Rerank Lens is working: click to cancel.' : 'Rerank Lens is working (cancel it where it was started).';
    this.item.command = cancellable ? 'rerankLens.cancelRerank' : undefined;
    this.item.show();
  }

  idle(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
