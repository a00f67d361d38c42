import * as vscode from 'vscode';
import { cancelled, isChatError } from '../../core/ask/chat-errors';
import { languageModelError } from '../../core/ask/lm-errors';
import type { ChatMessage } from '../../core/ask/prompt';
import type { ChatStream } from './chat-stream';

/** Shown by VS Code when it asks the user to let Rerank Lens use a model. */
const JUSTIFICATION = 'Rerank Lens sends your question with the top reranked chunks to the model, to answer from them.';

const STOPPED = Symbol('stopped');

/**
 * The stable `vscode.lm` API has no system role (VS Code ≥ 1.90): the system prompt goes first, as a User
 * message, which is what VS Code's own guidance for extensions says to do.
 */
export function toLanguageModelMessages(messages: readonly ChatMessage[]): vscode.LanguageModelChatMessage[] {
  return messages.map((m) =>
    m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.content),
  );
}

/**
 * Streams a language model's answer until it ends or `token` fires; `onDelta` gets each text part. Reading
 * races the token because VS Code 1.117 neither ends `response.text` nor cancels the provider when the
 * caller's token fires (microsoft/vscode#277872, fixed in 1.127): stopping must not wait for the model.
 * Rejects with a ChatError (`cancelled`, or the model's failure in words) holding the partial answer; an
 * error thrown by `onDelta` is rethrown as is.
 */
export async function streamLanguageModel(
  model: vscode.LanguageModelChat,
  messages: readonly ChatMessage[],
  token: vscode.CancellationToken,
  onDelta: (text: string) => void,
): Promise<string> {
  if (token.isCancellationRequested) throw cancelled('');
  let text = '';
  let listener: vscode.Disposable | undefined;
  const stopped = new Promise<typeof STOPPED>((resolve) => (listener = token.onCancellationRequested(() => resolve(STOPPED))));
  // Promises that lose a race against `stopped` may still reject later: nobody waits for them any more.
  const quiet = <T>(p: Thenable<T>): Promise<T> => {
    const promise = Promise.resolve(p);
    promise.catch(() => undefined);
    return promise;
  };
  let callbackFailed = false;
  try {
    const response = await Promise.race([quiet(model.sendRequest(toLanguageModelMessages(messages), { justification: JUSTIFICATION }, token)), stopped]);
    if (response === STOPPED) throw cancelled(text);
    const parts = response.text[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([quiet(parts.next()), stopped]);
      if (next === STOPPED) throw cancelled(text);
      if (next.done) return text;
      text += next.value;
      callbackFailed = true;
      onDelta(next.value);
      callbackFailed = false;
    }
  } catch (err) {
    if (callbackFailed || isChatError(err)) throw err;
    throw languageModelError(err, model.name, text);
  } finally {
    listener?.dispose();
  }
}

/** A VS Code language model as the answer panel's ChatStream. */
export function languageModelChatStream(model: vscode.LanguageModelChat): ChatStream {
  return {
    model: model.name,
    description: `${model.name} (${model.vendor}/${model.id}) through vscode.lm`,
    actions: { 'no-permission': 'retry', blocked: 'retry', 'model-not-found': 'pickModel', server: 'retry', 'no-model': 'useOpenAI' },
    async send(messages, { signal, onDelta }) {
      const source = new vscode.CancellationTokenSource();
      const abort = () => source.cancel();
      signal.addEventListener('abort', abort, { once: true });
      if (signal.aborted) source.cancel();
      try {
        return { text: await streamLanguageModel(model, messages, source.token, onDelta) };
      } finally {
        signal.removeEventListener('abort', abort);
        source.dispose();
      }
    },
  };
}
