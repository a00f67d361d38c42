import * as vscode from 'vscode';
import { isCancelled, isInputError, type InputError } from '../../core/errors';
import { queryChoices, selectQuery, type QuerySelection } from '../../core/queries';
import type { Progress } from '../../shared/worker-protocol';
import { pickFiles, pickQuery } from '../ask-user';
import { readConfig, SECTION } from '../config';
import { findResultFiles } from '../find-results';
import { escapeMarkdown } from '../labels';
import type { ReadOutcome } from '../engine';
import { statusText } from '../progress';
import { errorLocation } from '../open-source';
import type { RerankSession } from '../session';
import type { ChatDeps, ChatOutcome, RerankChatMetadata } from './chat-deps';

/** A rerank inside a chat response: the session, or the response's end (cancelled, failed, no files). */
export type ChatRerank = { session: RerankSession; scored?: RerankChatMetadata['scored'] } | { end: ChatOutcome };

/**
 * Reranks the current results files against `query` with the same engine as the command (scoring in the
 * worker; the chat's token is the worker's cancel), reporting progress in the response. Files that cannot be
 * read are named with a link to the error's position; when none can, the tree keeps its results.
 */
export async function rerankInChat(
  deps: ChatDeps,
  command: RerankChatMetadata['command'],
  query: string,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatRerank> {
  const fail = (error: string, extra: Partial<RerankChatMetadata> = {}): ChatRerank => ({
    end: { errorDetails: { message: error }, metadata: { command, outcome: 'failed', query, error, ...extra } },
  });
  let files = deps.files.get();
  if (!files) {
    stream.markdown('No results files chosen yet: pick the retrieval results to rerank.\n\n');
    const chosen = await chooseFiles(deps, stream);
    if (!chosen) return fail('No results files were chosen. Choose them with `/files`, then ask again.');
    files = chosen;
  }
  const config = readConfig();
  stream.progress(`Reading ${files.length === 1 ? '1 results file' : `${files.length} results files`}…`);
  let scored: RerankChatMetadata['scored'];
  const report = progressReporter(stream, deps, (p) => (scored = p));
  try {
    // Reading and scoring both run off the extension host's thread (reader and scoring workers).
    const read = await deps.engine.read(files, config, token, report);
    for (const error of read.failed) skipped(stream, error);
    const selection = await chooseResultSet(read, query);
    if (!selection) return fail('No result set was chosen: these files hold one per query. Ask again and pick one.');
    const session = await deps.engine.rerank(read, selection, query, config, token, report);
    deps.show(session);
    return { session, scored };
  } catch (err) {
    if (isCancelled(err)) {
      deps.log.info(`Chat rerank cancelled${scored ? ` after ${scored.done} of ${scored.total} chunks` : ''}.`);
      return { end: { metadata: { command, outcome: 'cancelled', query, scored } } };
    }
    if (isInputError(err)) {
      const location = errorLocation(err);
      if (location) {
        stream.markdown('Open ');
        anchorAt(stream, err, location);
        stream.markdown('\n\n');
      }
      return fail(`${err.message} The Reranked Results view keeps its results.`, { scored });
    }
    deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return fail(`Reranking failed: ${err instanceof Error ? err.message : String(err)} (see the Rerank Lens log).`, { scored });
  } finally {
    deps.status.idle();
  }
}

/**
 * Files holding one result set per query (Chroma with several query texts, `_msearch`…): the set stored with
 * this very query if there is one, else the user's pick, as the Rerank command does.
 */
async function chooseResultSet(read: ReadOutcome, query: string): Promise<QuerySelection | undefined> {
  const choices = queryChoices(read.files);
  if (choices.length === 0) return selectQuery(read.files, 0);
  const same = choices.find((c) => c.query?.trim().toLowerCase() === query.trim().toLowerCase());
  const index = same?.index ?? (await pickQuery(choices));
  return index === undefined ? undefined : selectQuery(read.files, index);
}

/** `/files`, or a first `@rerank` without files: the same pick as the Rerank command (likely files pre-selected). */
export async function chooseFiles(deps: ChatDeps, stream: vscode.ChatResponseStream): Promise<vscode.Uri[] | undefined> {
  const { resultsGlob } = readConfig();
  const candidates = await findResultFiles(resultsGlob);
  if (candidates.length === 0) {
    stream.markdown(
      `No retrieval results files in this workspace (files matching \`${resultsGlob.replace(/`/g, "'")}\` that hold \`{ "id", "text" }\` objects). ` +
        'Open a folder with JSON or JSONL results, or change the setting.\n\n',
    );
    stream.button({ command: 'workbench.action.openSettings', arguments: [`${SECTION}.resultsGlob`], title: 'Open Settings' });
    return undefined;
  }
  const files = await pickFiles(candidates);
  if (files) deps.files.set(files);
  return files;
}

function progressReporter(stream: vscode.ChatResponseStream, deps: ChatDeps, onScore: (p: { done: number; total: number }) => void) {
  let said = '';
  const say = (text: string) => {
    if (text === said) return;
    said = text;
    stream.progress(text);
  };
  return (p: Progress) => {
    // Cancelled from the chat, not with Cancel Reranking.
    deps.status.busy(statusText(p), false);
    if (p.phase === 'read') {
      say(`Reading ${p.file}…`);
    } else if (p.phase === 'download') {
      // Tens of progress events per file: say each tenth.
      say(`Downloading the model (${p.file}) ${Math.floor(p.percent / 10) * 10}%…`);
    } else if (p.phase === 'load') {
      say('Loading the model…');
    } else {
      onScore({ done: p.done, total: p.total });
      say(`Scoring ${p.total} ${p.total === 1 ? 'chunk' : 'chunks'}…`);
    }
  };
}

/** A file that could not be read while others could: its message (escaped: file names and JSON are not ours) and a link to the spot. */
function skipped(stream: vscode.ChatResponseStream, error: InputError): void {
  stream.markdown(`⚠️ Skipped: ${escapeMarkdown(error.message)} `);
  const location = errorLocation(error);
  if (location) anchorAt(stream, error, location);
  stream.markdown('\n\n');
}

function anchorAt(stream: vscode.ChatResponseStream, error: InputError, location: vscode.Location): void {
  const { line, character } = location.range.start;
  stream.anchor(location, `${error.file}:${line + 1}:${character + 1}`);
}
