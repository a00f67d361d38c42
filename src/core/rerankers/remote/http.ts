/**
 * One rerank POST with Node's global fetch (undici): a timeout per attempt, the caller's abort signal,
 * retries of 429/503 honouring Retry-After, and one retry of a connection the server dropped. Every
 * failure becomes a one-line `RemoteRerankError`, except "too large" (413, or a 422 about size), which
 * the batcher handles by sending fewer texts.
 */
import { KEY_HINT, RemoteRerankError, networkReason, retryAfterSeconds, saidPart, seconds, serverSaid } from './errors';
import type { Protocol } from './protocols';

export interface PostOptions {
  url: URL;
  endpoint: string;
  protocol: Protocol;
  model: string | undefined;
  apiKey: string | undefined;
  body: string;
  /** Aborted by the caller's cancel, or when a sibling request failed. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Retries of 429/503 (and of one dropped connection) before giving up. */
  retries: number;
  /** The longest single wait; a Retry-After beyond it fails at once, saying how long the server asked for. */
  maxRetryDelayMs: number;
  /** The first backoff without Retry-After; doubles each retry. */
  baseDelayMs: number;
}

export type PostResult = (
  | { kind: 'ok'; json: unknown }
  /** 413, or 422 saying the batch/body is too big; `limit` when the server named its maximum. */
  | { kind: 'too-large'; status: number; said?: string; limit?: number }
) & {
  /** HTTP requests made, retries included. */
  attempts: number;
};

const SIZE_WORDS = /batch size|too (large|long|big|many)|at most|maximum|limit|exceed/i;
/** vLLM's 400 for a pair beyond max_model_len: "This model's maximum context length is 512 tokens. However, you requested…". */
const TOO_LONG = /maximum context length|max_model_len|input is too long/i;

export async function postRerank(o: PostOptions): Promise<PostResult> {
  let droppedOnce = false;
  for (let attempt = 0; ; attempt++) {
    const attemptCtl = new AbortController();
    const onAbort = () => attemptCtl.abort();
    o.signal.addEventListener('abort', onAbort);
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), attemptCtl.abort()), o.timeoutMs);
    let status: number;
    let text: string;
    let headers: Headers;
    try {
      if (o.signal.aborted) throw new Error('aborted');
      const res = await fetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: o.body,
        signal: attemptCtl.signal,
        // Never follow: a redirect turns POST into GET (301/302) or carries the request to another host.
        redirect: 'manual',
      });
      ({ status, headers } = res);
      text = await res.text();
    } catch (err) {
      if (o.signal.aborted) throw cancelled(o.endpoint);
      if (timedOut) {
        throw new RemoteRerankError('timeout', `${o.endpoint} did not answer within ${seconds(o.timeoutMs)}. The server may be overloaded or still loading the model; try again, send fewer documents per request, or raise the timeout.`, o.endpoint);
      }
      const reason = networkReason(err);
      if (reason === 'connection closed by the server' && !droppedOnce && attempt < o.retries) {
        droppedOnce = true; // a keep-alive socket the server had just closed: worth exactly one more try
        continue;
      }
      throw new RemoteRerankError('unreachable', `Could not get an answer from ${o.endpoint} (${reason ?? 'network error'}). Check that the reranking server is running and the URL is right.`, o.endpoint);
    } finally {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
    }

    if (status >= 200 && status < 300) {
      try {
        return { kind: 'ok', json: JSON.parse(text), attempts: attempt + 1 };
      } catch {
        throw new RemoteRerankError('protocol', `${o.endpoint} answered HTTP ${status} with something that is not JSON. Check that the URL is the ${o.protocol.label} endpoint (${o.protocol.pathHint}).`, o.endpoint, status);
      }
    }
    const said = serverSaid(text, o.apiKey);
    if (status === 413 || (status === 422 && (!said || SIZE_WORDS.test(said)))) {
      return { kind: 'too-large', status, said, limit: statedLimit(said), attempts: attempt + 1 };
    }
    if (status === 429 || status === 503) {
      const asked = retryAfterSeconds(headers.get('retry-after'));
      // Without Retry-After: exponential backoff, jittered so concurrent requests do not come back in step.
      const waitMs = asked !== undefined ? asked * 1000 : Math.min(o.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2), o.maxRetryDelayMs);
      if (attempt < o.retries && waitMs <= o.maxRetryDelayMs) {
        await sleep(waitMs, o.signal).catch(() => {
          throw cancelled(o.endpoint);
        });
        continue;
      }
      throw overloaded(o, status, said, attempt, asked);
    }
    throw statusError(o, status, said, headers);
  }
}

function overloaded(o: PostOptions, status: number, said: string | undefined, retried: number, asked: number | undefined): RemoteRerankError {
  const detail = saidPart(said);
  const tries = retried ? ` after ${retried} ${retried === 1 ? 'retry' : 'retries'}` : '';
  const wait = asked !== undefined && asked * 1000 > o.maxRetryDelayMs ? ` It asks to wait ${Math.ceil(asked)} s; try again then` : ' Try again in a moment';
  return status === 429
    ? new RemoteRerankError('rate-limited', `${o.endpoint} is rate limiting (HTTP 429)${tries}.${detail}${wait}, or send fewer requests at once.`, o.endpoint, status, asked)
    : new RemoteRerankError('server', `${o.endpoint} is unavailable (HTTP 503)${tries}.${detail}${wait}; the server may still be loading the model.`, o.endpoint, status, asked);
}

function statusError(o: PostOptions, status: number, said: string | undefined, headers: Headers): RemoteRerankError {
  const detail = saidPart(said);
  const err = (code: ConstructorParameters<typeof RemoteRerankError>[0], text: string) => new RemoteRerankError(code, text, o.endpoint, status);
  if (status === 401) {
    return err('unauthorized', o.apiKey
      ? `${o.endpoint} rejected the API key (HTTP 401).${detail} Check it, then ${KEY_HINT}.`
      : `${o.endpoint} requires an API key (HTTP 401): ${KEY_HINT}.`);
  }
  if (status === 403) {
    return err('unauthorized', `${o.endpoint} refused access (HTTP 403).${detail} Check that the API key may use ${o.model ? `the model "${o.model}"` : 'this endpoint'}, or ${KEY_HINT}.`);
  }
  if (status >= 300 && status < 400) {
    const to = headers.get('location');
    const where = to ? ` to ${safeLocation(to, o.url)}` : '';
    return err('protocol', `${o.endpoint} redirects${where} (HTTP ${status}). Set the reranker URL to the final address; requests (and the API key) are not sent on across redirects.`);
  }
  if (status === 404 || status === 405) {
    return err('protocol', `${o.endpoint} has no rerank endpoint (HTTP ${status}). Check the URL: ${o.protocol.pathHint}.`);
  }
  if (status === 408 || status === 504) {
    return err('timeout', `${o.endpoint} timed out handling the request (HTTP ${status}).${detail} Try again, or send fewer documents per request.`);
  }
  if (status >= 500 || status === 424) {
    return err('server', `${o.endpoint} failed with a server error (HTTP ${status}).${detail} Check the server's log, then try again.`);
  }
  if (said && TOO_LONG.test(said)) {
    return err('too-large', `${o.endpoint} rejected a document as longer than the model takes (HTTP ${status}).${detail} Shorten the chunks, or let the server truncate (TEI does; vLLM needs truncate_prompt_tokens).`);
  }
  return err('protocol', `${o.endpoint} rejected the request (HTTP ${status}).${detail} Check the model name and that the reranker type matches the server (it was sent as ${o.protocol.label}).`);
}

/** The maximum a server states in its 413/422: TEI "maximum allowed batch size 32", pydantic "at most 2048 items". */
function statedLimit(said: string | undefined): number | undefined {
  const m = said && (/maximum allowed batch size (\d+)/i.exec(said) ?? /at most (\d+) items/i.exec(said));
  return m ? Number(m[1]) : undefined;
}

function safeLocation(location: string, base: URL): string {
  try {
    const u = new URL(location, base);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'another address';
  }
}

export function cancelled(endpoint: string): RemoteRerankError {
  return new RemoteRerankError('cancelled', `Reranking with ${endpoint} was cancelled.`, endpoint);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const onAbort = () => (clearTimeout(timer), reject(new Error('aborted')));
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
