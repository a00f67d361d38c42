import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RerankLensApi } from '../../src/extension/extension';
import type { RerankSession } from '../../src/extension/session';

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

/**
 * Asserts that `actual` is the very session `expected` (or both undefined). A failure names each by query and
 * size: assert.equal would print both object graphs at depth 1000, gigabytes for a 4,000-document session.
 */
export function assertSameSession(actual: RerankSession | undefined, expected: RerankSession | undefined, message: string): void {
  const name = (s: RerankSession | undefined) => (s ? `the session of ${JSON.stringify(s.query)} (${s.documents.length} documents)` : 'no session');
  assert.ok(actual === expected, `${message}: got ${name(actual)}, expected ${name(expected)}`);
}
