/**
 * Failures of a VS Code language model (`vscode.lm`) as `ChatError`s whose message says what to do next.
 * VS Code reports them as `LanguageModelError`s with a `code` (`NoPermissions`, `Blocked`, `NotFound`, or
 * `Unknown` with the provider's own error as `cause`); this file only reads those fields, so it needs no
 * `vscode` import and the same words serve the answer panel and the `@rerank` chat participant.
 */
import { ChatError } from './chat-errors';

/** What VS Code's `LanguageModelError` carries (also any other error a provider throws). */
export interface LanguageModelFailure {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
}

export function languageModelError(err: unknown, model: string, partial: string): ChatError {
  const failure = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as LanguageModelFailure;
  const said = detail(failure);
  const kept = partial ? ' The partial answer is kept.' : '';
  switch (failure.code) {
    case 'NoPermissions':
      return new ChatError(
        'no-permission',
        `VS Code did not allow Rerank Lens to use the language model "${model}"${said}. Allow it when VS Code asks (or in the Accounts menu, under the model's extension), then try again.${kept}`,
        { partial },
      );
    case 'Blocked':
      return new ChatError(
        'blocked',
        `The language model "${model}" refused the request${said}. Its provider may be rate limiting or out of quota: wait a moment and try again, or choose another model.${kept}`,
        { partial },
      );
    case 'NotFound':
      return new ChatError('model-not-found', `The language model "${model}" is not available any more${said}. Choose another model.${kept}`, { partial });
    default:
      return new ChatError('server', `The language model "${model}" failed${said}. Try again, or choose another model.${kept}`, { partial });
  }
}

/** No model to ask at all: nothing provides one (no Copilot or other model extension), or the editor is too old. */
export function noLanguageModel(reason: 'none' | 'unsupported'): ChatError {
  return new ChatError(
    'no-model',
    reason === 'unsupported'
      ? 'This version of VS Code has no language model API (vscode.lm). Update VS Code, or set rerankLens.ask.provider to "openai" and use an OpenAI-compatible API.'
      : 'No language model is available in VS Code: install and sign in to an extension that provides chat models (such as GitHub Copilot), or set rerankLens.ask.provider to "openai" and use an OpenAI-compatible API (OpenAI, Ollama, LM Studio, vLLM…).',
  );
}

/** The provider's own words, shortened: ": <message>" (or the cause's), or '' when it said nothing useful. */
function detail(failure: LanguageModelFailure): string {
  const own = typeof failure.message === 'string' ? failure.message.trim() : '';
  const cause = failure.cause instanceof Error ? failure.cause.message.trim() : '';
  const text = (own && own !== failure.code ? own : cause).replace(/\s+/g, ' ');
  if (!text) return '';
  return `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
