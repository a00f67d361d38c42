/**
 * Every way a chat request can fail, as a `ChatError` whose message says what to do next and never holds
 * the API key (redacted, with bearer tokens and OpenAI's masked `sk-…` echoes, from server text too).
 */
import type { ChatSettings } from './chat';

export type OpenAIModule = typeof import('openai');

const KEY_COMMAND = '"Rerank Lens: Set API Key"';

export type ChatErrorKind =
  | 'auth'
  | 'model-not-found'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'stream-cut'
  | 'bad-request'
  | 'cancelled'
  // VS Code language models (vscode.lm): see lm-errors.ts.
  | 'no-model'
  | 'no-permission'
  | 'blocked';

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


export interface ErrorContext {
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

export function toChatError(sdk: OpenAIModule, err: unknown, ctx: ErrorContext): ChatError {
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

export function cancelled(partial: string): ChatError {
  return new ChatError('cancelled', 'The question was cancelled.', { partial });
}

export function idleTimeout(where: string, timeoutMs: number, partial: string): ChatError {
  return new ChatError(
    'timeout',
    `${where} stopped sending the answer for ${seconds(timeoutMs)}. ${partial ? 'The partial answer is kept; try' : 'Try'} again, or raise the timeout.`,
    { partial },
  );
}

/** The server's own words: OpenAI's `{error: {message}}`, vLLM's `{message}`, Ollama's `{error: "…"}`, or plain text. */
export function serverMessage(err: InstanceType<OpenAIModule['APIError']>): string | undefined {
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

/** A network failure's reason in words, from undici's error code or its causes' (also used by the remote rerankers). */
export function connectionReason(err: unknown): string | undefined {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection closed by the server',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
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
export function redactor(apiKey: string | undefined): (s: string) => string {
  return (s) => {
    let out = apiKey ? s.split(apiKey).join('***') : s;
    out = out.replace(/\b(Bearer\s+)\S+/gi, '$1***').replace(/\bsk-[\w*-]{6,}/g, '***');
    return out;
  };
}

/** The URL without user name and password, for messages. */
export function displayURL(s: string): string {
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

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function quote(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 300)}…` : one;
}
