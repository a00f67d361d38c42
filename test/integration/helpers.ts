import * as vscode from 'vscode';
import type { RerankLensApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'rerank-lens.rerank-lens';
export const QUERY = 'What is context size of Mixtral?';

export async function api(): Promise<RerankLensApi> {
  const ext = vscode.extensions.getExtension<RerankLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the sample workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
