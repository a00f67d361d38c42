import * as vscode from 'vscode';
import { isCancelled, isInputError, type InputError } from '../core/errors';
import { readHead, storedQueryIn } from '../core/sniff';
import type { Progress } from '../shared/worker-protocol';
import { askQuery, pickFiles } from './ask-user';
import { readConfig, SECTION } from './config';
import type { RerankEngine } from './engine';
import { findResultFiles } from './find-results';
import { openAtError } from './open-source';
import type { RerankSession } from './session';
import type { StatusItem } from './status';

const HISTORY_KEY = 'rerankLens.queryHistory';
const HISTORY_SIZE = 10;

/** Arguments for running the command without prompts (other extensions, tests, "Rerank again"). */
export interface RerankArgs {
  files?: vscode.Uri[];
  query?: string;
}

export interface RerankDeps {
  context: vscode.ExtensionContext;
  engine: RerankEngine;
  log: vscode.LogOutputChannel;
  status: StatusItem;
  current: () => RerankSession | undefined;
  show: (session: RerankSession) => void;
}

/**
 * "Rerank results": choose files (or take them from the Explorer), ask the query, rerank under a
 * cancellable notification, show the result. Whatever fails, the previous results stay in the tree.
 */
export async function rerankCommand(deps: RerankDeps, args: RerankArgs = {}): Promise<RerankSession | undefined> {
  const config = readConfig();
  let files = args.files;
  if (!files?.length) {
    const candidates = await findResultFiles(config.resultsGlob);
    if (candidates.length === 0) {
      const open = 'Open Settings';
      const answer = await vscode.window.showWarningMessage(
        `No retrieval result files found in the workspace (setting rerankLens.resultsGlob: ${config.resultsGlob}). ` +
          'Open a folder with JSON or JSONL results ({ "id", "text" } objects), or right-click a file in the Explorer.',
        open,
      );
      if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.resultsGlob`);
      return undefined;
    }
    files = await pickFiles(candidates);
    if (!files) return undefined;
  }
  const history = deps.context.globalState.get<string[]>(HISTORY_KEY, []);
  const query = (args.query ?? (await askQuery(history, deps.current()?.query ?? (await storedQuery(files)))))?.trim();
  if (!query) return undefined;
  await deps.context.globalState.update(HISTORY_KEY, [query, ...history.filter((q) => q !== query)].slice(0, HISTORY_SIZE));

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Rerank Lens', cancellable: true },
    async (progress, token) => {
      const report = progressReporter(progress, deps.status);
      try {
        const { session, failed } = await deps.engine.rerank(files, query, config, token, report);
        deps.show(session);
        for (const error of failed) void showInputError(error, 'was skipped');
        return session;
      } catch (err) {
        if (isCancelled(err)) {
          deps.log.info('Rerank cancelled.');
          return undefined;
        }
        if (isInputError(err)) {
          void showInputError(err);
          return undefined;
        }
        deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        void vscode.window.showErrorMessage(`Rerank Lens: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then(
          (a) => a && deps.log.show(),
        );
        return undefined;
      } finally {
        deps.status.idle();
      }
    },
  );
}

/** Shows worker progress in a notification and the status bar item (also used by Evaluate). */
export function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, status: StatusItem) {
  let last = 0;
  return (p: Progress) => {
    if (p.phase === 'download') {
      const percent = Math.round(p.percent);
      progress.report({ message: `Downloading model ${p.file} ${percent}%` });
      status.busy(`downloading model ${percent}%`);
    } else if (p.phase === 'load') {
      progress.report({ message: 'Loading model…' });
      status.busy('loading model');
    } else if (p.phase === 'read') {
      progress.report({ message: `Reading ${p.file}…` });
      status.busy('reading');
    } else {
      const increment = ((p.done - last) / p.total) * 100;
      last = p.done;
      progress.report({ message: `Scored ${p.done} / ${p.total}`, increment });
      status.busy(`scoring ${p.done}/${p.total}`);
    }
  };
}

export async function showInputError(error: InputError, suffix?: string): Promise<void> {
  const actions: string[] = [];
  if (error.file && error.code !== 'not-found' && error.code !== 'bad-model') actions.push('Open File');
  if (error.code === 'offline' || error.code === 'bad-model' || error.code === 'download-failed') actions.push('Set Model Path');
  const message = suffix ? `${error.message} (${suffix})` : error.message;
  const answer = await vscode.window.showErrorMessage(`Rerank Lens: ${message}`, ...actions);
  if (answer === 'Open File') await openAtError(error);
  if (answer === 'Set Model Path') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.modelPath`);
}

/** The query stored in a `{ query, results }` file, used as the default (only the files' first 4 KB are read). */
async function storedQuery(files: readonly vscode.Uri[]): Promise<string | undefined> {
  for (const uri of files) {
    if (uri.scheme !== 'file') continue;
    // Unreadable files are reported when reranking; no default query from them.
    const query = storedQueryIn(await readHead(uri.fsPath).catch(() => ''));
    if (query) return query;
  }
  return undefined;
}
