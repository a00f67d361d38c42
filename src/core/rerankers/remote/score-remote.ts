/**
 * Scores query/document pairs with a reranking server (TEI, a Cohere-compatible API, Voyage): the one
 * entry point the worker, the CLI and the editor call for a remote reranker.
 *
 * Batching, exactly: documents go in order, in requests of at most `maxTexts` texts and `maxBytes` of body
 * (defaults per protocol: TEI's own 32 and 2 MB), `concurrency` requests at a time. When the server says a
 * request of k > 1 texts is too large (413, or 422 about size), the texts per request for every later
 * request become the maximum the server stated, or else ⌊k/2⌋, and those k texts are sent again that way;
 * this repeats down to one text. A single text still too large fails with code 'too-large', naming it.
 */
import { textBytes, splitByLimits } from './batches';
import { RemoteRerankError, endpointLabel, saidPart } from './errors';
import { cancelled, postRerank, type PostOptions } from './http';
import type { RemoteLimits } from '../../../shared/reranker-spec';
import { PROTOCOLS, inInputOrder, type RemoteKind, type ScoreKind } from './protocols';

export type { RemoteLimits } from '../../../shared/reranker-spec';

export interface RemoteRerankRequest {
  kind: RemoteKind;
  /** The full endpoint URL, e.g. `http://gpu-box:8080/rerank` or `https://api.cohere.com/v2/rerank`. */
  url: string;
  /** Sent as `model` (required by Cohere and Voyage, optional for TEI, vLLM and Infinity). */
  model?: string;
  /** Sent only as `Authorization: Bearer …`. */
  apiKey?: string;
  query: string;
  documents: readonly string[];
  signal?: AbortSignal;
  /** Documents scored so far, after each request. */
  onProgress?: (done: number, total: number) => void;
  /** Each request's scores as it completes (for progressive results): document indices and their scores. */
  onScores?: (indices: readonly number[], scores: readonly number[]) => void;
  /** The first `priority` documents go in requests of their own, sent first, so their scores come back first. */
  priority?: number;
  limits?: RemoteLimits;
}

export interface RemoteRerankResult {
  /** One score per document, in input order. */
  scores: number[];
  /** 'logit' for TEI (raw_scores); 'probability' for 0–1 relevance scores. */
  scoreKind: ScoreKind;
  /** HTTP requests that got an answer, retries included. */
  requests: number;
  /** Texts per request at the end (lower than `maxTexts` if the server refused larger ones). */
  textsPerRequest: number;
}

export async function scoreRemote(req: RemoteRerankRequest): Promise<RemoteRerankResult> {
  const protocol = PROTOCOLS[req.kind];
  const url = checkedURL(req.url);
  const endpoint = endpointLabel(url);
  const apiKey = checkedKey(req.apiKey, endpoint);
  const model = req.model?.trim() || undefined;
  if (req.kind === 'voyage' && !model) {
    throw new RemoteRerankError('bad-config', `Voyage needs a model name for ${endpoint} (e.g. rerank-2.5): set the reranker model.`, endpoint);
  }
  const limits = req.limits ?? {};
  const maxTexts = positive(limits.maxTexts, protocol.maxTexts);
  const total = req.documents.length;
  if (req.signal?.aborted) throw cancelled(endpoint);
  if (total === 0) return { scores: [], scoreKind: req.kind === 'tei' ? 'logit' : 'probability', requests: 0, textsPerRequest: maxTexts };

  const sizes = textBytes(req.documents);
  const baseBytes = Buffer.byteLength(JSON.stringify(protocol.body(req.query, [], model)));
  const maxBytes = positive(limits.maxBytes, protocol.maxBytes);
  const first = Math.min(Math.max(0, Math.floor(req.priority ?? 0)), total);
  const queue = [
    ...splitByLimits(sizes.slice(0, first), baseBytes, maxTexts, maxBytes),
    ...splitByLimits(sizes.slice(first), baseBytes, maxTexts, maxBytes).map((batch) => batch.map((i) => i + first)),
  ];
  const scores = new Array<number>(total).fill(Number.NaN);
  const run = new AbortController();
  const onCancel = () => run.abort();
  req.signal?.addEventListener('abort', onCancel);
  const post: Omit<PostOptions, 'body'> = {
    url,
    endpoint,
    protocol,
    model,
    apiKey,
    signal: run.signal,
    timeoutMs: positive(limits.timeoutMs, 60_000),
    retries: Math.max(0, limits.retries ?? 4),
    maxRetryDelayMs: positive(limits.maxRetryDelayMs, 30_000),
    baseDelayMs: positive(limits.baseDelayMs, 500),
  };
  let perRequest = maxTexts;
  let done = 0;
  let requests = 0;
  let failure: unknown;

  const worker = async () => {
    while (queue.length && !run.signal.aborted) {
      let batch = queue.shift() as number[];
      if (batch.length > perRequest) {
        queue.unshift(batch.slice(perRequest));
        batch = batch.slice(0, perRequest);
      }
      const texts = batch.map((i) => req.documents[i]);
      const reply = await postRerank({ ...post, body: JSON.stringify(protocol.body(req.query, texts, model)) });
      requests += reply.attempts;
      if (reply.kind === 'too-large') {
        if (batch.length === 1) throw tooLarge(endpoint, reply.status, reply.said, batch[0], sizes[batch[0]]);
        const stated = reply.limit !== undefined && reply.limit >= 1 && reply.limit < batch.length ? reply.limit : undefined;
        perRequest = Math.min(perRequest, stated ?? Math.floor(batch.length / 2));
        queue.unshift(batch);
        continue;
      }
      const ranked = protocol.parse(reply.json);
      const ordered = typeof ranked === 'string' ? ranked : inInputOrder(ranked, batch.length);
      if (typeof ordered === 'string') {
        throw new RemoteRerankError('protocol', `${endpoint} answered HTTP 200 but not as ${protocol.label}: ${ordered}. Check that the reranker type (tei, cohere or voyage) matches the server.`, endpoint, 200);
      }
      batch.forEach((docIndex, i) => (scores[docIndex] = ordered[i]));
      done += batch.length;
      req.onScores?.(batch, ordered);
      req.onProgress?.(done, total);
    }
  };

  try {
    const concurrency = Math.min(positive(limits.concurrency, 4), queue.length);
    await Promise.all(
      Array.from({ length: concurrency }, () =>
        worker().catch((err: unknown) => {
          failure ??= err;
          run.abort(); // the other requests are pointless now: stop them
        }),
      ),
    );
  } finally {
    req.signal?.removeEventListener('abort', onCancel);
  }
  if (req.signal?.aborted) throw cancelled(endpoint);
  if (failure) throw failure;
  if (done !== total) throw new Error(`remote rerank: ${done} of ${total} documents scored`); // a bug, not a server's fault
  return { scores, scoreKind: scoreKindOf(req.kind, scores), requests, textsPerRequest: perRequest };
}

/**
 * TEI with raw_scores gives logits. A Cohere-style relevance_score is a probability, unless the server was
 * told to return raw outputs (Infinity `--raw-scores`, vLLM `use_activation: false`): then values leave
 * 0..1 and they are labelled logits rather than passed off as probabilities.
 */
export function scoreKindOf(kind: RemoteKind, scores: readonly number[]): ScoreKind {
  if (kind === 'tei') return 'logit';
  return scores.every((s) => s >= 0 && s <= 1) ? 'probability' : 'logit';
}

function tooLarge(endpoint: string, status: number, said: string | undefined, docIndex: number, bytes: number): RemoteRerankError {
  return new RemoteRerankError(
    'too-large',
    `${endpoint} refused document #${docIndex + 1} (${Math.ceil(bytes / 1000)} kB) as too large even on its own (HTTP ${status}).${saidPart(said)} Shorten that document, or raise the server's request limit (TEI: --payload-limit).`,
    endpoint,
    status,
  );
}

/** The endpoint as a URL, or a 'bad-config' error saying what a reranker URL must look like. */
export function checkedURL(raw: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const shown = raw.trim().replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1').replace(/[?#].*$/, '').slice(0, 120);
    throw new RemoteRerankError('bad-config', `The reranker URL "${shown}" is not an http(s) URL: set the full endpoint, e.g. http://localhost:8080/rerank.`, shown);
  }
  if (url.username || url.password) {
    // fetch refuses such URLs, and a password there would end up in settings and logs.
    const endpoint = endpointLabel(url);
    throw new RemoteRerankError('bad-config', `The reranker URL ${endpoint} must not contain a user name or password: remove them and set the API key instead.`, endpoint);
  }
  return url;
}

function checkedKey(key: string | undefined, endpoint: string): string | undefined {
  const k = key?.trim();
  // fetch would reject such a header with a message that quotes it, key and all.
  if (k && /[^\x21-\x7e]/.test(k)) {
    throw new RemoteRerankError('bad-config', `The API key for ${endpoint} contains a space, line break or non-ASCII character, which cannot be sent in a header: set it again.`, endpoint);
  }
  return k || undefined;
}

function positive(n: number | undefined, fallback: number): number {
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : fallback;
}
