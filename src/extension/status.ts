import * as vscode from 'vscode';

/** A status bar entry visible while the model downloads, loads or scores. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rerankLens.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Rerank Lens';
  }

  busy(what: string): void {
    this.item.text = `$(loading~spin) Rerank Lens: ${what}`;
    this.item.tooltip = 'Rerank Lens is working: click to cancel.';
    this.item.command = 'rerankLens.cancelRerank';
    this.item.show();
  }

  idle(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
