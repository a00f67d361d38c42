/**
 * The chat client for "Ask": streams an answer from any OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, LM Studio, vLLM, llama.cpp…) through the `openai` SDK, and turns every failure into a
 * `ChatError` whose message says what to do next and never contains the API key.
 *
 * Timeouts: `timeoutMs` bounds the wait for the response to start (the SDK's own timeout, per attempt)
 * and, once streaming, the silence between two chunks (the SDK has no timeout on a streaming body).
 */
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ChatMessage } from './prompt';

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

export type ChatErrorKind =
  | 'auth'
  | 'model-not-found'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'stream-cut'
  | 'bad-request'
  | 'cancelled';

export class ChatError extends Error {
  readonly kind: ChatErrorKind;
  /** The HTTP status, for errors the server answered with. */
  readonly status?: number;
  /** From a 429's `retry-after` (or `retry-after-ms`) header, rounded up to whole seconds. */
  readonly retryAfterSeconds?: number;
  /** The answer text received before the failure ('' if none). */
  readonly partial: string;

  constructor(kind: ChatErrorKind, message: string, details: { status?: number; retryAfterSeconds?: number; partial?: string } = {}) {
    super(message);
    this.name = 'ChatError';
    this.kind = kind;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.partial = details.partial ?? '';
  }
}

/** True for a `ChatError`, also across bundle copies of this module. */
export function isChatError(err: unknown): err is ChatError {
  return err instanceof Error && err.name === 'ChatError' && typeof (err as Partial<ChatError>).kind === 'string';
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
const KEY_COMMAND = '"Rerank Lens: Set API Key"';

type OpenAIModule = typeof import('openai');
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

interface ErrorContext {
  settings: ChatSettings;
  where: string;
  redact: (s: string) => string;
  partial: string;
  started: boolean;
  stoppedBy: 'caller' | 'idle' | 'callback' | undefined;
  timeoutMs: number;
  /** Requests the SDK makes at most: 1 + maxRetries. */
  attempts: number;
  keyGiven: boolean;
}

function toChatError(sdk: OpenAIModule, err: unknown, ctx: ErrorContext): ChatError {
  const { where, redact, partial } = ctx;
  const model = redact(ctx.settings.model.trim());
  if (ctx.stoppedBy === 'caller' || err instanceof sdk.APIUserAbortError) return cancelled(partial);
  if (ctx.stoppedBy === 'idle') return idleTimeout(where, ctx.timeoutMs, partial);
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new ChatError(
      'timeout',
      `${where} did not start answering within ${seconds(ctx.timeoutMs)}${ctx.attempts > 1 ? ` (${ctx.attempts} attempts)` : ''}. The server may be overloaded or still loading the model; try again, or raise the timeout.`,
      { partial },
    );
  }
  if (err instanceof sdk.APIConnectionError) {
    const reason = connectionReason(err);
    return new ChatError(
      'network',
      `Could not connect to ${where}${reason ? ` (${reason})` : ''}. Check that the server is running and the base URL is right.`,
      { partial },
    );
  }
  if (err instanceof sdk.APIError) {
    const said = serverMessage(err);
    const detail = said ? ` The server said: ${quote(redact(said))}` : '';
    const status = err.status;
    const opts = { status, partial };
    if (status === undefined) {
      // An `error` event inside the stream.
      return new ChatError('server', `${where} reported an error while answering.${detail} Try again.`, opts);
    }
    if (status === 401) {
      return new ChatError(
        'auth',
        ctx.keyGiven
          ? `The API key was rejected (401). Set a valid key with ${KEY_COMMAND}.`
          : `${where} requires an API key (401). Set one with ${KEY_COMMAND}.`,
        opts,
      );
    }
    if (status === 403) {
      return new ChatError('auth', `Access denied (403) by ${where}.${detail} Check that the API key may use the model "${model}", or set another key with ${KEY_COMMAND}.`, opts);
    }
    if (status === 404) {
      return new ChatError(
        'model-not-found',
        `The model "${model}" was not found at ${where} (404).${detail} Check the model name, and that the base URL is the API root (often ending in /v1).`,
        opts,
      );
    }
    if (status === 429) {
      const retryAfterSeconds = retryAfter(err.headers);
      const quota = err.code === 'insufficient_quota' || err.type === 'insufficient_quota';
      const wait = retryAfterSeconds !== undefined ? ` Try again in ${retryAfterSeconds} s.` : ' Wait a moment and try again.';
      return new ChatError(
        'rate-limit',
        quota
          ? `The quota of this API key is used up (429).${detail} Check the plan and billing of the account.`
          : `Rate limited by ${where} (429).${detail}${wait}`,
        { ...opts, retryAfterSeconds },
      );
    }
    if (status === 408) {
      return new ChatError('timeout', `${where} timed out handling the request (408). Try again.`, opts);
    }
    if (status >= 500) {
      return new ChatError('server', `${where} failed with a server error (${status}).${detail} Try again later.`, opts);
    }
    return new ChatError('bad-request', `${where} rejected the request (${status}).${detail || ' (no message)'} Check the model and the chat settings.`, opts);
  }
  if (err instanceof SyntaxError) {
    return new ChatError('server', `${where} sent a response that is not valid chat-completions data. Check that the base URL points at an OpenAI-compatible API.`, { partial });
  }
  if (ctx.started) {
    // undici's "terminated" (socket closed mid-body), ECONNRESET…
    return new ChatError(
      'stream-cut',
      `The connection to ${where} was lost while the answer was streaming. ${partial ? 'The partial answer is kept; ask' : 'Ask'} again for a complete one.`,
      { partial },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChatError('network', `Could not reach ${where}: ${redact(message)}`, { partial });
}

function cancelled(partial: string): ChatError {
  return new ChatError('cancelled', 'The question was cancelled.', { partial });
}

function idleTimeout(where: string, timeoutMs: number, partial: string): ChatError {
  return new ChatError(
    'timeout',
    `${where} stopped sending the answer for ${seconds(timeoutMs)}. ${partial ? 'The partial answer is kept; try' : 'Try'} again, or raise the timeout.`,
    { partial },
  );
}

/** The server's own words: OpenAI's `{error: {message}}`, vLLM's `{message}`, Ollama's `{error: "…"}`, or plain text. */
function serverMessage(err: InstanceType<OpenAIModule['APIError']>): string | undefined {
  const body: unknown = err.error;
  if (typeof body === 'string') return body.trim() || undefined;
  if (body && typeof body === 'object') {
    const m = (body as { message?: unknown }).message;
    if (typeof m === 'string' && m.trim()) return m.trim();
  }
  // The SDK's message is "<status> <text>" or "<status> status code (no body)".
  const text = err.message.replace(/^\d{3}\s+/, '').trim();
  return text && !/^status code \(no body\)$/.test(text) && !/^\(no status code or body\)$/.test(text) ? text : undefined;
}

function connectionReason(err: Error): string | undefined {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in codes) return codes[code];
    queue.push((e as { cause?: unknown }).cause, ...((e as { errors?: unknown[] }).errors ?? []));
  }
  return undefined;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Replaces the key (and bearer tokens, and OpenAI's masked `sk-…` echoes) with `***`. */
function redactor(apiKey: string | undefined): (s: string) => string {
  return (s) => {
    let out = apiKey ? s.split(apiKey).join('***') : s;
    out = out.replace(/\b(Bearer\s+)\S+/gi, '$1***').replace(/\bsk-[\w*-]{6,}/g, '***');
    return out;
  };
}

/** The URL without user name and password, for messages. */
function displayURL(s: string): string {
  try {
    const u = new URL(s);
    if (!u.username && !u.password) return s;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return s;
  }
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

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function quote(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}
