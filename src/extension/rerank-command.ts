import * as vscode from 'vscode';
import { isCancelled, isInputError, type InputError } from '../core/errors';
import { isRemoteRerankError, type RemoteRerankError } from '../core/rerankers/remote';
import { queryChoices, selectQuery, type QuerySelection } from '../core/queries';
import { askQuery, pickFiles, pickQuery } from './ask-user';
import { readConfig, SECTION } from './config';
import type { ReadOutcome, RerankEngine } from './engine';
import { findResultFiles } from './find-results';
import { openAtError } from './open-source';
import { withRerankProgress } from './progress';
import type { RerankSession } from './session';
import type { StatusItem } from './status';

const HISTORY_KEY = 'rerankLens.queryHistory';
const HISTORY_SIZE = 10;
/** Reading shows a notification only when it takes longer than this (big files); small files read instantly. */
const READ_NOTIFY_AFTER_MS = 400;

/** Arguments for running the command without prompts (other extensions, tests, "Rerank again"). */
export interface RerankArgs {
  files?: vscode.Uri[];
  query?: string;
  /** Which result set of multi-query files to rerank (0-based); without it the user picks. */
  queryIndex?: number;
}

export interface RerankDeps {
  context: vscode.ExtensionContext;
  engine: RerankEngine;
  log: vscode.LogOutputChannel;
  status: StatusItem;
  current: () => RerankSession | undefined;
  show: (session: RerankSession) => void;
  /** Progressive results while a rerank runs (not yet current). */
  showPartial: (session: RerankSession) => void;
  /** Back to the current results (the rerank failed or was cancelled). */
  restore: () => void;
}

/**
 * "Rerank results": choose files (or take them from the Explorer), read them (in reader workers), pick
 * the query of a multi-query file, ask the query, rerank under a cancellable notification, show the
 * result. Whatever fails, the previous results stay in the tree.
 */
export async function rerankCommand(deps: RerankDeps, args: RerankArgs = {}): Promise<RerankSession | undefined> {
  const config = readConfig();
  const files = args.files?.length ? args.files : await chooseFiles(config.resultsGlob);
  if (!files) return undefined;
  const read = await guarded(deps, () => withRerankProgress(deps.status, (token, report) => deps.engine.read(files, config, token, report), READ_NOTIFY_AFTER_MS));
  if (!read) return undefined;
  for (const error of read.failed) void showInputError(error, 'was skipped');

  const selection = await chooseQuery(deps, read, args.queryIndex);
  if (!selection) return undefined;
  const stored = selection.files.find((f) => f.query)?.query;
  // A picked result set's own query comes first; otherwise the last query, then one stored in the files.
  const initial = selection.index !== undefined ? (stored ?? deps.current()?.query) : (deps.current()?.query ?? stored);
  const history = deps.context.globalState.get<string[]>(HISTORY_KEY, []);
  const query = (args.query ?? (await askQuery(history, initial)))?.trim();
  if (!query) return undefined;
  await deps.context.globalState.update(HISTORY_KEY, [query, ...history.filter((q) => q !== query)].slice(0, HISTORY_SIZE));

  const session = await guarded(deps, () =>
    withRerankProgress(deps.status, (token, report) => deps.engine.rerank(read, selection, query, config, token, report, deps.showPartial)),
  );
  // A cancel or failure leaves the previous results (what was scored meanwhile is in the score cache).
  if (session) deps.show(session);
  else deps.restore();
  return session;
}

async function chooseFiles(glob: string): Promise<vscode.Uri[] | undefined> {
  const candidates = await findResultFiles(glob);
  if (candidates.length === 0) {
    const open = 'Open Settings';
    const answer = await vscode.window.showWarningMessage(
      `No retrieval result files found in the workspace (setting rerankLens.resultsGlob: ${glob}). ` +
        'Open a folder with JSON or JSONL results ({ "id", "text" } objects), or right-click a file in the Explorer.',
      open,
    );
    if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.resultsGlob`);
    return undefined;
  }
  return pickFiles(candidates);
}

/** The result sets to rerank: given by index, picked by the user when a file holds several queries, else the only ones. */
async function chooseQuery(deps: RerankDeps, read: ReadOutcome, given: number | undefined): Promise<QuerySelection | undefined> {
  const choices = queryChoices(read.files);
  const index = given ?? (choices.length ? await pickQuery(choices) : 0);
  if (index === undefined) return undefined;
  return guarded(deps, async () => selectQuery(read.files, index));
}

/** Runs a step; a user error is shown with its file, a cancel is logged, a bug goes to the log. Undefined when it failed. */
async function guarded<T>(deps: RerankDeps, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (err) {
    if (isCancelled(err)) {
      deps.log.info('Rerank cancelled.');
    } else if (isInputError(err)) {
      void showInputError(err);
    } else if (isRemoteRerankError(err)) {
      // One line naming the endpoint and status; never a stack, never the key (the message holds neither).
      deps.log.error(err.message);
      void showRemoteError(err);
    } else {
      deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      void vscode.window.showErrorMessage(`Rerank Lens: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((a) => a && deps.log.show());
    }
    return undefined;
  }
}

export async function showRemoteError(error: RemoteRerankError): Promise<void> {
  const actions = error.code === 'unauthorized' ? ['Set Reranker API Key', 'Choose Reranker'] : error.code === 'timeout' || error.code === 'rate-limited' ? [] : ['Choose Reranker', 'Open Settings'];
  const answer = await vscode.window.showErrorMessage(`Rerank Lens: ${error.message}`, ...actions);
  if (answer === 'Set Reranker API Key') await vscode.commands.executeCommand('rerankLens.setRerankerApiKey');
  if (answer === 'Choose Reranker') await vscode.commands.executeCommand('rerankLens.chooseReranker');
  if (answer === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.reranker`);
}

export async function showInputError(error: InputError, suffix?: string): Promise<void> {
  const actions: string[] = [];
  if (error.file && !['not-found', 'bad-model', 'too-large'].includes(error.code)) actions.push('Open File');
  if (error.code === 'offline' || error.code === 'bad-model' || error.code === 'download-failed') actions.push('Set Model Path');
  if (error.code === 'too-large') actions.push('Raise the Limit');
  const message = suffix ? `${error.message} (${suffix})` : error.message;
  const answer = await vscode.window.showErrorMessage(`Rerank Lens: ${message}`, ...actions);
  if (answer === 'Open File') await openAtError(error);
  if (answer === 'Set Model Path') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.modelPath`);
  if (answer === 'Raise the Limit') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.maxFileSizeMB`);
}
