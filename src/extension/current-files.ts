import type * as vscode from 'vscode';

/**
 * The results files a rerank reads when none are given (the `@rerank` participant): the ones chosen last,
 * with `/files` or by reranking them from the tree's side.
 */
export class CurrentFiles {
  private files: vscode.Uri[] | undefined;

  get(): vscode.Uri[] | undefined {
    return this.files?.length ? [...this.files] : undefined;
  }

  set(files: readonly vscode.Uri[]): void {
    this.files = [...files];
  }
}
