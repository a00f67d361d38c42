import * as vscode from 'vscode';
import { isChatError } from '../../core/ask/chat-errors';
import { CitationStream } from '../../core/ask/citation-stream';
import { buildMessages } from '../../core/ask/prompt';
import { movement, type RankedDocument } from '../../core/rerank';
import { streamLanguageModel } from '../ask/lm-stream';
import { answerDocuments, contextDocuments } from '../ask/top-documents';
import { VIEW_ID } from '../commands';
import { readConfig } from '../config';
import { documentLabels, shortModelName } from '../labels';
import type { RerankSession } from '../session';
import type { ChatDeps, ChatOutcome, RerankChatMetadata } from './chat-deps';

/**
 * Answers `question` from the session's top documents with the Chat view's model, streaming Markdown. Each
 * top document is a reference (its chunk, the same read-only document the tree opens) and every `[n]` in
 * the answer becomes an anchor to chunk n, so a citation opens exactly what the model was given.
 */
export async function answerInChat(
  deps: ChatDeps,
  command: RerankChatMetadata['command'],
  session: RerankSession,
  question: string,
  model: vscode.LanguageModelChat | undefined,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<ChatOutcome> {
  const top = answerDocuments(session);
  const uris = top.map((d) => deps.chunks.uriFor(d));
  const base: RerankChatMetadata = { command, outcome: 'answered', query: question, documents: top.map((d) => d.id) };
  for (const uri of uris) stream.reference(uri);
  if (!model) {
    const error = 'No language model is available to answer. Pick one in the Chat view\'s model picker (an extension such as GitHub Copilot provides them); `/rerank` works without one.';
    return { errorDetails: { message: error }, metadata: { ...base, outcome: 'failed', error } };
  }
  const modelName = `${model.vendor}/${model.id}`;
  const messages = buildMessages(question, contextDocuments(top), readConfig()['ask.systemPrompt']);
  const citations = new CitationStream(top.length, (part) => {
    if ('text' in part) stream.markdown(part.text);
    else stream.anchor(uris[part.cite - 1], `[${part.cite}]`);
  });
  deps.log.info(`Chat: asking ${model.name} (${modelName}) about ${top.length} documents`);
  try {
    const answer = await streamLanguageModel(model, messages, token, (text) => citations.push(text));
    citations.end();
    deps.log.info(`Chat: answer of ${answer.length} characters`);
  } catch (err) {
    citations.end();
    if (isChatError(err) && err.kind === 'cancelled') return { metadata: { ...base, outcome: 'cancelled', model: modelName } };
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
  const labels = documentLabels(session.documents);
  stream.markdown(`${summary(session)} The top ${top.length}:\n\n`);
  top.forEach((doc, i) => {
    const uri = deps.chunks.uriFor(doc);
    stream.reference(uri);
    stream.markdown(`${i + 1}. **${doc.score.toFixed(2)}** ${movement(doc.originalRank, doc.rank)} · `);
    stream.anchor(uri, labels.get(doc) ?? String(doc.id));
    stream.markdown(` · ${sources(doc)}\n`);
  });
  const below = session.documents.length - top.length;
  if (below > 0) stream.markdown(`\n${below} more below the top ${top.length}.\n`);
  showInTreeButton(stream);
}

/** "Reranked 16 chunks of dense_results.json, sparse_results.json in 0.42 s (ms-marco-MiniLM-L-6-v2, fp32)." */
export function summary(session: RerankSession): string {
  const files = session.fileNames.map((f) => `\`${f.replace(/`/g, "'")}\``).join(', ');
  const count = session.documents.length;
  return `Reranked ${count} ${count === 1 ? 'chunk' : 'chunks'} of ${files} in ${(session.elapsedMs / 1000).toFixed(2)} s (${shortModelName(session.model)}, ${session.dtype}).`;
}

function sources(doc: RankedDocument): string {
  return doc.sources.map((s) => `\`${s.file.replace(/`/g, "'")}\` #${s.rank}`).join(', ');
}

function showInTreeButton(stream: vscode.ChatResponseStream): void {
  stream.button({ command: `${VIEW_ID}.focus`, title: 'Show in Reranked Results' });
}
