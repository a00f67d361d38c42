import * as vscode from 'vscode';
import { isChatError } from '../../core/ask/chat-errors';
import { CitationStream } from '../../core/ask/citation-stream';
import { buildMessages } from '../../core/ask/prompt';
import { movement, type RankedDocument } from '../../core/rerank';
import { streamLanguageModel } from '../ask/lm-stream';
import { answerDocuments, contextDocuments, nothingToAsk } from '../ask/top-documents';
import { chunkContext } from '../chunks';
import { Commands, VIEW_ID } from '../commands';
import { readConfig } from '../config';
import { documentLabels, escapeMarkdown, shortModelName } from '../labels';
import type { RerankSession } from '../session';
import type { ChatDeps, ChatOutcome, RerankChatMetadata } from './chat-deps';

/**
 * Answers `question` from the session's top documents with the Chat view's model, streaming Markdown. Each
 * top document is a reference (its chunk, the same read-only document the tree opens) and every `[n]` in
 * the answer becomes a link to chunk n, so a citation opens exactly what the model was given.
 */
export async function answerInChat(
  deps: ChatDeps,
  command: RerankChatMetadata['command'],
  session: RerankSession,
  question: string,
  model: vscode.LanguageModelChat,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatOutcome> {
  const top = answerDocuments(session);
  const base: RerankChatMetadata = { command, outcome: 'answered', query: question, documents: top.map((d) => d.id) };
  if (top.length === 0) {
    const error = `Rerank Lens: ${nothingToAsk(session)}`;
    return { errorDetails: { message: error }, metadata: { ...base, outcome: 'failed', error } };
  }
  const context = chunkContext(session);
  for (const doc of top) stream.reference(deps.chunks.uriFor(doc, context));
  const modelName = `${model.vendor}/${model.id}`;
  const messages = buildMessages(question, contextDocuments(top), readConfig()['ask.systemPrompt']);
  // One kind of Markdown for the whole answer, so VS Code joins the parts into one flowing text. Images stay
  // literal text: the chat would fetch their URLs, and the answer follows chunks nobody vetted.
  const citations = new CitationStream(
    top.length,
    (part) => stream.markdown(citationMarkdown('text' in part ? part.text : citationLink(part.cite, top[part.cite - 1]))),
    { images: 'literal' },
  );
  deps.log.info(`Chat: asking ${model.name} (${modelName}) about ${top.length} documents`);
  try {
    const answer = await streamLanguageModel(model, messages, token, (text) => citations.push(text));
    citations.end();
    deps.log.info(`Chat: answer of ${answer.length} characters`);
  } catch (err) {
    citations.end();
    if (isChatError(err) && err.kind === 'cancelled') {
      deps.log.info(`Chat: answer stopped after ${err.partial.length} characters`);
      return { metadata: { ...base, outcome: 'cancelled', model: modelName } };
    }
    const error = isChatError(err) ? err.message : `The answer failed: ${err instanceof Error ? err.message : String(err)}`;
    deps.log.warn(`Chat: ${error}`);
    return { errorDetails: { message: error }, metadata: { ...base, outcome: 'failed', model: modelName, error } };
  }
  showInTreeButton(stream);
  return { metadata: { ...base, model: modelName } };
}

/** `/rerank`: the top documents with their scores and movement, each linked to its chunk. */
export function listTop(deps: ChatDeps, session: RerankSession, stream: vscode.ChatResponseStream): void {
  const top = answerDocuments(session);
  if (top.length === 0) {
    stream.markdown(`${summary(session)} ${escapeMarkdown(nothingToAsk(session))}\n`);
    showInTreeButton(stream);
    return;
  }
  const labels = documentLabels(session.documents);
  const context = chunkContext(session);
  stream.markdown(`${summary(session)} The top ${top.length}:\n\n`);
  const rows = top.map((doc, i) => {
    stream.reference(deps.chunks.uriFor(doc, context));
    const label = `[${escapeMarkdown(labels.get(doc) ?? String(doc.id))}](${openChunkUri(doc)})`;
    return `${i + 1}. **${doc.score.toFixed(2)}** ${movement(doc.originalRank, doc.rank)} · ${label} · ${sources(doc)}`;
  });
  stream.markdown(citationMarkdown(`${rows.join('\n')}\n`));
  const below = session.documents.length - top.length;
  if (below > 0) stream.markdown(`\n${below} more below the top ${top.length}.\n`);
  showInTreeButton(stream);
}

/** "Reranked 16 chunks of dense_results.json, sparse_results.json in 0.42 s (ms-marco-MiniLM-L-6-v2, fp32)." */
export function summary(session: RerankSession): string {
  const files = session.fileNames.map((f) => `\`${f.replace(/`/g, "'")}\``).join(', ');
  const count = session.documents.length;
  return `Reranked ${count} ${count === 1 ? 'chunk' : 'chunks'} of ${files} in ${(session.elapsedMs / 1000).toFixed(2)} s (${session.dtype ? `${shortModelName(session.model)}, ${session.dtype}` : session.reranker}).`;
}

function sources(doc: RankedDocument): string {
  return doc.sources.map((s) => `\`${s.file.replace(/`/g, "'")}\` #${s.rank}`).join(', ');
}

/**
 * Markdown whose only trusted command is opening a chunk of the current results by id: citations link to the
 * chunks that way (VS Code 1.117's chat renders `stream.anchor` as the chunk's whole file name, and drops links
 * to the chunks' own `rerank-lens-chunk:` URIs, a scheme its Markdown does not allow). The model's text goes
 * in the same kind of Markdown so the parts join into one text; a link the model writes itself can at most
 * open a chunk. HTML stays off.
 */
function citationMarkdown(value: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(value);
  md.isTrusted = { enabledCommands: [Commands.openChunk] };
  return md;
}

/** `[\[n\]](command:rerankLens.openChunk?{"id":…})`: citation n, its brackets part of the link, opening its chunk. */
function citationLink(n: number, doc: RankedDocument): string {
  // Escaped brackets: a bare `[` next to a link makes VS Code's streaming renderer "complete" a link that is not there.
  return `[\\[${n}\\]](${openChunkUri(doc)})`;
}

function openChunkUri(doc: RankedDocument): string {
  return `command:${Commands.openChunk}?${encodeURIComponent(JSON.stringify({ id: doc.id }))}`;
}

function showInTreeButton(stream: vscode.ChatResponseStream): void {
  stream.button({ command: `${VIEW_ID}.focus`, title: 'Show in Reranked Results' });
}
