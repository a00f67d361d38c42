/**
 * The chat client for "Ask": streams an answer from any OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, LM Studio, vLLM, llama.cpp…) through the `openai` SDK, and turns every failure into a
 * `ChatError` whose message says what to do next and never contains the API key.
 *
 * Timeouts: `timeoutMs` bounds the wait for the response to start (the SDK's own timeout, per attempt)
 * and, once streaming, the silence between two chunks (the SDK has no timeout on a streaming body).
 */
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { ChatError, cancelled, displayURL, idleTimeout, redactor, serverMessage, toChatError, type OpenAIModule } from './chat-errors';
import type { ChatMessage } from './prompt';

export { ChatError, isChatError, type ChatErrorKind } from './chat-errors';

export interface ChatSettings {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseURL: string;
  model: string;
  /** Sent as `Authorization: Bearer …`; without one no Authorization header is sent at all. */
  apiKey?: string;
  temperature?: number;
  /** Upper bound of answer tokens (`max_tokens`; `max_completion_tokens` where the server asks for it). */
  maxTokens?: number;
  /** Wait for the response to start, and between streamed chunks, in ms. Default 120 s. */
  timeoutMs?: number;
  /** Retries of the request before the answer starts (connection errors, 408/409/429/5xx). Default 1. */
  maxRetries?: number;
}

export interface ChatResult {
  text: string;
  /** `stop`, or `length` when `maxTokens` cut the answer short, `content_filter`… */
  finishReason?: string;
  /** The model that answered, as the server names it. */
  model?: string;
  /** When the server reports it (OpenAI, vLLM, Ollama with `stream_options.include_usage`). */
  usage?: { promptTokens: number; completionTokens: number };
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 1;

/** Sent only to satisfy the SDK, which refuses to build a client without credentials; the header itself is dropped. */
const NO_KEY = 'no-key';

type Params = ChatCompletionCreateParamsStreaming & { max_completion_tokens?: number | null };

/**
 * Streams the answer: `onDelta` gets each piece of text as it arrives; the result has the whole text.
 * Rejects with a `ChatError` (kind `cancelled` when `signal` aborts); an error thrown by `onDelta` aborts
 * the request and is rethrown as is.
 */
export async function streamChat(
  settings: ChatSettings,
  messages: ChatMessage[],
  options: { signal?: AbortSignal; onDelta: (text: string) => void },
): Promise<ChatResult> {
  const apiKey = settings.apiKey?.trim() || undefined;
  const redact = redactor(apiKey);
  const baseURL = settings.baseURL.trim().replace(/\/+$/, '');
  const where = redact(displayURL(baseURL));
  const timeoutMs = positive(settings.timeoutMs) ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = Math.max(0, Math.floor(settings.maxRetries ?? DEFAULT_MAX_RETRIES));

  if (!isHttpURL(baseURL)) {
    throw new ChatError('network', `The chat base URL "${where}" is not an http(s) URL. Set it to the API root, e.g. http://localhost:11434/v1 or https://api.openai.com/v1.`);
  }
  if (!settings.model.trim()) {
    throw new ChatError('model-not-found', `No chat model is set. Set the model name the server at ${where} serves.`);
  }
  const { signal, onDelta } = options;
  if (signal?.aborted) throw cancelled('');

  // Loaded on first use: the SDK is large and most sessions never ask.
  const sdk: OpenAIModule = await import('openai');
  const OpenAI = sdk.default;
  const client = new OpenAI({
    apiKey: apiKey ?? NO_KEY,
    // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment and send them to whatever
    // server the user configured. (SDK 6, chosen because it supports the Node 20 of VS Code's extension
    // host, has no admin-key option; SDK 7 would read OPENAI_ADMIN_KEY and needs Node 22.)
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL,
    timeout: timeoutMs,
    maxRetries,
    // Without a key, send no Authorization header rather than a made-up one.
    defaultHeaders: apiKey ? undefined : { Authorization: null },
    logLevel: 'off',
  });

  // One controller for the whole exchange: the caller's signal, an idle timeout, or a failing onDelta end it.
  const controller = new AbortController();
  let stoppedBy: 'caller' | 'idle' | 'callback' | undefined;
  const stop = (why: NonNullable<typeof stoppedBy>) => {
    stoppedBy ??= why;
    controller.abort();
  };
  const onAbort = () => stop('caller');
  signal?.addEventListener('abort', onAbort, { once: true });
  let idle: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => stop('idle'), timeoutMs);
  };

  const params: Params = {
    model: settings.model.trim(),
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (settings.temperature !== undefined) params.temperature = settings.temperature;
  if (settings.maxTokens !== undefined) params.max_tokens = settings.maxTokens;

  let text = '';
  let finishReason: string | undefined;
  let model: string | undefined;
  let usage: ChatResult['usage'];
  let started = false;
  let callbackError: unknown;
  try {
    const stream = await createWithFallbacks(sdk, client, params, controller.signal);
    started = true;
    armIdle();
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      armIdle();
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      for (const choice of chunk.choices ?? []) {
        if ((choice.index ?? 0) !== 0) continue;
        const delta = choice.delta?.content;
        if (delta) {
          text += delta;
          try {
            onDelta(delta);
          } catch (err) {
            callbackError = err;
            stop('callback');
            throw err;
          }
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
  } catch (err) {
    if (stoppedBy === 'callback') throw callbackError;
    throw toChatError(sdk, err, { settings, where, redact, partial: text, started, stoppedBy, timeoutMs, attempts: maxRetries + 1, keyGiven: apiKey !== undefined });
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
  }
  // The SDK ends a stream quietly when it is aborted, and when the body ends without `[DONE]`.
  if (stoppedBy === 'caller') throw cancelled(text);
  if (stoppedBy === 'idle') throw idleTimeout(where, timeoutMs, text);
  if (!finishReason) {
    throw new ChatError(
      'stream-cut',
      text
        ? `The answer from ${where} stopped before it was complete (the stream ended without a finish reason). The partial answer is kept; ask again for a complete one.`
        : `The server at ${where} ended the response without sending an answer. Check that it supports streaming chat completions, then ask again.`,
      { partial: text },
    );
  }
  return { text, finishReason, model, usage };
}

/**
 * Creates the stream; when the server rejects one of the optional parameters as unsupported (reasoning
 * models want `max_completion_tokens` and the default temperature; some servers reject `stream_options`),
 * adjusts that parameter once and asks again.
 */
async function createWithFallbacks(sdk: OpenAIModule, client: InstanceType<OpenAIModule['default']>, params: Params, signal: AbortSignal) {
  const adjusted = new Set<string>();
  for (;;) {
    try {
      return await client.chat.completions.create(params, { signal });
    } catch (err) {
      const param = err instanceof sdk.BadRequestError ? unsupportedParam(err, params) : undefined;
      if (!param || adjusted.has(param) || signal.aborted) throw err;
      adjusted.add(param);
      if (param === 'max_tokens' && err instanceof sdk.APIError && /max_completion_tokens/.test(serverMessage(err) ?? '')) {
        params.max_completion_tokens = params.max_tokens;
      }
      delete params[param];
    }
  }
}

type OptionalParam = 'max_tokens' | 'temperature' | 'stream_options';

function unsupportedParam(err: InstanceType<OpenAIModule['APIError']>, params: Params): OptionalParam | undefined {
  const message = serverMessage(err) ?? '';
  const unsupported =
    err.code === 'unsupported_parameter' ||
    err.code === 'unsupported_value' ||
    /unsupported|not supported|unrecognized|unknown (field|parameter|argument)|extra (fields|inputs)|not permitted/i.test(message);
  if (!unsupported) return undefined;
  const candidates: OptionalParam[] = ['max_tokens', 'temperature', 'stream_options'];
  return candidates.find((p) => params[p] !== undefined && (err.param === p || message.includes(p)));
}

function isHttpURL(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
