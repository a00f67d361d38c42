import * as vscode from 'vscode';
import type { DocumentSource } from '../core/documents';
import type { InputError } from '../core/errors';

/** Opens a results file at an error's position (1-based line/column). */
export async function openAtError(error: InputError): Promise<void> {
  const location = errorLocation(error);
  if (!location) return;
  await vscode.window.showTextDocument(location.uri, { selection: location.range, preview: true });
}

/** Where an input error points: its file at its position (the file's start when it has none). */
export function errorLocation(error: InputError): vscode.Location | undefined {
  if (!error.file) return undefined;
  const pos = error.position ? new vscode.Position(error.position.line - 1, error.position.column - 1) : new vscode.Position(0, 0);
  return new vscode.Location(resolveName(error.file), pos);
}

/** Opens the file a document came from at its object. */
export async function revealSource(source: DocumentSource, files: readonly vscode.Uri[], names: readonly string[]): Promise<void> {
  const index = names.indexOf(source.file);
  const uri = index >= 0 ? files[index] : resolveName(source.file);
  const pos = new vscode.Position(source.line - 1, source.column - 1);
  const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** File names in messages are workspace-relative paths; turn one back into a URI. */
function resolveName(name: string): vscode.Uri {
  if (name.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(name)) return vscode.Uri.file(name);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const named = folders.find((f) => name.startsWith(`${f.name}/`));
  if (named) return vscode.Uri.joinPath(named.uri, name.slice(named.name.length + 1));
  return folders[0] ? vscode.Uri.joinPath(folders[0].uri, name) : vscode.Uri.file(name);
}
