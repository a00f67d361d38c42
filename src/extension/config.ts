import * as vscode from 'vscode';
import { readSettings, SECTION, type Settings } from './settings';

export { SECTION };

/** The settings, read fresh on each use so changes apply at once. */
export function readConfig(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return readSettings((key, userOnly) => (userOnly ? c.inspect(key)?.globalValue : c.get(key)));
}
