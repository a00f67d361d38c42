import * as vscode from 'vscode';
import type { QueryChoice } from '../core/queries';
import type { Candidate } from './find-results';

export async function pickFiles(candidates: readonly Candidate[]): Promise<vscode.Uri[] | undefined> {
  // The suggested files (one run's dense + sparse…) come first, so they are in view however many others there are.
  const ordered = [...candidates.filter((c) => c.picked), ...candidates.filter((c) => !c.picked)];
  const items = ordered.map((c) => ({
    label: vscode.workspace.asRelativePath(c.uri),
    description: c.picked ? 'suggested' : undefined,
    iconPath: vscode.ThemeIcon.File,
    resourceUri: c.uri,
    picked: c.picked,
    uri: c.uri,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Rerank Lens: result files to merge and rerank',
    placeHolder: 'Pick the retrieval result files (merged by id)',
    ignoreFocusOut: true,
  });
  return chosen && chosen.length > 0 ? chosen.map((c) => c.uri) : undefined;
}

/**
 * Asks for the query with recent ones offered: typing filters them, Enter on the typed text uses it.
 * `initial` (a query stored in a results file, or the last one) is pre-filled.
 */
export function askQuery(history: readonly string[], initial: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
    pick.title = 'Rerank Lens: query';
    pick.placeholder = 'Type the query the documents were retrieved for';
    pick.ignoreFocusOut = true;
    pick.value = initial ?? '';
    const recent = history.map((q) => ({ label: q, description: 'recent', iconPath: new vscode.ThemeIcon('history') }));
    const refresh = () => {
      const typed = pick.value.trim();
      const typedItem = typed && !history.includes(typed) ? [{ label: typed, description: 'new query', iconPath: new vscode.ThemeIcon('search') }] : [];
      pick.items = [...typedItem, ...recent];
    };
    refresh();
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => finish((pick.selectedItems[0]?.label ?? pick.value).trim() || undefined));
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

/**
 * Which query of a multi-query file to rerank (Chroma with several query texts, `_msearch`, several
 * spans): each result set with its stored query, if any, and its size. Undefined when dismissed.
 */
export async function pickQuery(choices: readonly QueryChoice[]): Promise<number | undefined> {
  const items = choices.map((c) => ({
    label: c.query ?? c.label,
    description: c.query ? c.label : undefined,
    detail: `${c.documents} document${c.documents === 1 ? '' : 's'} · set ${c.index + 1} of ${choices.length} in ${c.file}`,
    index: c.index,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Rerank Lens: ${choices[0]?.file} holds ${choices.length} queries`,
    placeHolder: 'Pick the query whose results to rerank',
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  return chosen?.index;
}
