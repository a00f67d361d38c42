/**
 * Every way a remote rerank can fail, as a `RemoteRerankError` whose message is ONE line that names the
 * endpoint (origin + path only: no credentials, no query string) and the HTTP status where there was one,
 * and says what to do. The API key never appears: it is redacted from anything the server says.
 */
import { connectionReason, redactor } from '../../ask/chat-errors';

export type RemoteErrorCode =
  | 'bad-config'
  | 'unauthorized'
  | 'unreachable'
  | 'protocol'
  | 'too-large'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'cancelled';

export class RemoteRerankError extends Error {
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    /** The endpoint as shown in the message. */
    readonly endpoint: string,
    readonly status?: number,
    /** From a 429/503's Retry-After, when the wait was longer than we retry for. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RemoteRerankError';
  }
}

/** True for a `RemoteRerankError`, also across bundle copies of this module. */
export function isRemoteRerankError(err: unknown): err is RemoteRerankError {
  return err instanceof Error && err.name === 'RemoteRerankError' && typeof (err as Partial<RemoteRerankError>).code === 'string';
}

export const KEY_HINT = 'set the reranker API key (editor: "Rerank Lens: Set Reranker API Key"; CLI: RERANK_API_KEY)';

/** The endpoint for messages: origin and path, never user:password@ or ?query (either may hold a key). */
export function endpointLabel(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** What the server said, from any of the error shapes rerank servers use, as one short redacted line. */
export function serverSaid(body: string, apiKey: string | undefined): string | undefined {
  let said: string | undefined;
  try {
    said = messageOf(JSON.parse(body));
  } catch {
    said = /^\s*</.test(body) ? undefined : body; // an HTML error page says nothing useful on one line
  }
  const line = said?.replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  const clean = redactor(apiKey)(line);
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** ` The server said: "…".` (no doubled full stop), or '' when it said nothing. */
export function saidPart(said: string | undefined): string {
  return said ? ` The server said: "${said}"${/[.!?]$/.test(said) ? '' : '.'}` : '';
}

/**
 * TEI: `{error, error_type}`; vLLM: `{error: {message}}` (older: `{message}`); Cohere: `{message}`;
 * Voyage, Jina: `{detail: "…"}`; FastAPI validation (Infinity, vLLM 422): `{detail: [{msg, loc}]}`.
 */
function messageOf(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o.error === 'string') return o.error;
  if (o.error && typeof o.error === 'object') return messageOf(o.error);
  if (typeof o.message === 'string') return o.message;
  if (typeof o.detail === 'string') return o.detail;
  if (Array.isArray(o.detail)) {
    return o.detail
      .map((d) => (d && typeof d === 'object' && typeof (d as { msg?: unknown }).msg === 'string' ? (d as { msg: string }).msg : ''))
      .filter(Boolean)
      .join('; ');
  }
  return undefined;
}

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Why a request got no answer, in words: undici's codes, and its bare "terminated" for a cut mid-body. */
export function networkReason(err: unknown): string | undefined {
  const reason = connectionReason(err);
  if (reason) return reason;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message === 'terminated' || e.message === 'other side closed') return 'connection closed by the server';
  }
  return undefined;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}
