import * as vscode from 'vscode';
import { askQuery } from '../ask-user';
import { answerDocuments } from '../ask/top-documents';
import { PARTICIPANT_ID } from '../commands';
import { escapeMarkdown } from '../labels';
import { answerInChat, listTop, summary } from './chat-answer';
import type { ChatDeps, ChatOutcome, RerankChatMetadata } from './chat-deps';
import { chooseFiles, rerankInChat } from './chat-rerank';

/**
 * The `@rerank` chat participant: `@rerank <question>` reranks the current results files against the
 * question and answers from the top chunks with the Chat view's model; `/rerank`, `/files` and `/ask` do one
 * step each. Registered only where the editor has the chat API (stable since VS Code 1.90; feature-detected).
 */
export function registerChatParticipant(context: vscode.ExtensionContext, deps: ChatDeps): vscode.Disposable | undefined {
  if (typeof vscode.chat?.createChatParticipant !== 'function') {
    deps.log.info('This editor has no chat API: the @rerank participant is not available.');
    return undefined;
  }
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, _context, stream, token) => respond(deps, request, stream, token));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'rerank-lens.svg');
  participant.followupProvider = { provideFollowups: (result) => followups(result.metadata as RerankChatMetadata | undefined) };
  return participant;
}

async function respond(
  deps: ChatDeps,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatOutcome> {
  const prompt = request.prompt.trim();
  const command = commandOf(request.command);
  try {
    switch (command) {
      case 'files':
        return await files(deps, stream);
      case 'rerank':
        return await rerankOnly(deps, prompt, stream, token);
      case 'ask':
        return await askOnly(deps, prompt, request.model, stream, token);
      default:
        return prompt ? await rerankAndAnswer(deps, prompt, request.model, stream, token) : help(stream);
    }
  } catch (err) {
    // Whatever went wrong, the chat gets a sentence, never a stack.
    deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    const error = `Rerank Lens failed: ${err instanceof Error ? err.message : String(err)} (details in the Rerank Lens log).`;
    return { errorDetails: { message: error }, metadata: { command, outcome: 'failed', error } };
  }
}

function commandOf(command: string | undefined): RerankChatMetadata['command'] {
  return command === 'files' || command === 'rerank' || command === 'ask' ? command : 'answer';
}

async function rerankAndAnswer(
  deps: ChatDeps,
  question: string,
  model: vscode.LanguageModelChat,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatOutcome> {
  const step = await rerankInChat(deps, 'answer', question, stream, token);
  if ('end' in step) return step.end;
  const top = answerDocuments(step.session).length;
  stream.markdown(`${summary(step.session)}${top ? ` Answering from the top ${top}.` : ''}\n\n`);
  const outcome = await answerInChat(deps, 'answer', step.session, question, model, stream, token);
  return { ...outcome, metadata: { ...outcome.metadata, scored: step.scored } };
}

async function rerankOnly(deps: ChatDeps, prompt: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<ChatOutcome> {
  // "Rerank with another query" sends `/rerank` alone: ask for the query the way the Rerank command does.
  const query = prompt || (await askQuery([], deps.current()?.query))?.trim();
  if (!query) {
    const error = 'Type the query after /rerank, e.g. `@rerank /rerank What is context size of Mixtral?`.';
    return { errorDetails: { message: error }, metadata: { command: 'rerank', outcome: 'failed', error } };
  }
  const step = await rerankInChat(deps, 'rerank', query, stream, token);
  if ('end' in step) return step.end;
  listTop(deps, step.session, stream);
  return {
    metadata: { command: 'rerank', outcome: 'reranked', query, documents: answerDocuments(step.session).map((d) => d.id), scored: step.scored },
  };
}

async function askOnly(
  deps: ChatDeps,
  prompt: string,
  model: vscode.LanguageModelChat,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatOutcome> {
  const session = deps.current();
  if (!session) {
    const error = 'Nothing is reranked yet. Ask `@rerank <question>` (reranks, then answers) or run `/rerank <query>` first.';
    return { errorDetails: { message: error }, metadata: { command: 'ask', outcome: 'failed', error } };
  }
  const question = prompt || session.query;
  const top = answerDocuments(session).length;
  if (top) stream.markdown(`Answering from the top ${top} of the current results (query: ${escapeMarkdown(session.query)}).\n\n`);
  return answerInChat(deps, 'ask', session, question, model, stream, token);
}

async function files(deps: ChatDeps, stream: vscode.ChatResponseStream): Promise<ChatOutcome> {
  const chosen = await chooseFiles(deps, stream);
  if (!chosen) {
    const error = 'No results files were chosen; the next rerank uses the files it used before.';
    return { errorDetails: { message: error }, metadata: { command: 'files', outcome: 'failed', error } };
  }
  const names = chosen.map((uri) => `\`${vscode.workspace.asRelativePath(uri).replace(/`/g, "'")}\``).join(', ');
  stream.markdown(`The next reranks read ${names}.`);
  return { metadata: { command: 'files', outcome: 'files-chosen' } };
}

function help(stream: vscode.ChatResponseStream): ChatOutcome {
  stream.markdown(
    [
      'Ask me about your retrieval results: I rerank the chunks with the cross-encoder, then answer from the best ones with the model selected here.',
      '',
      '- `@rerank <question>`: rerank the results files against the question and answer from the top chunks',
      '- `/rerank <query>`: rerank only, and list the top chunks with their scores',
      '- `/files`: choose the results files',
      '- `/ask <question>`: answer from the current top chunks without reranking again',
    ].join('\n'),
  );
  return { metadata: { command: 'help', outcome: 'help' } };
}

function followups(metadata: RerankChatMetadata | undefined): vscode.ChatFollowup[] {
  if (!metadata) return [];
  const again: vscode.ChatFollowup = { prompt: '', command: 'rerank', label: 'Rerank with another query' };
  switch (metadata.outcome) {
    case 'answered':
      return [again];
    case 'reranked':
      return metadata.query ? [{ prompt: metadata.query, command: 'ask', label: 'Answer from these chunks' }, again] : [again];
    case 'files-chosen':
      return [again];
    default:
      return [];
  }
}
