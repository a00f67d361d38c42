import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Commands and views are registered in later milestones.
}

export function deactivate(): void {}
