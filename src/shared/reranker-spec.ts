/**
 * What names a reranker, as data that crosses the worker boundary (an evaluation in the scoring worker scores
 * with the reranker the settings chose): the local cross-encoder or a reranking server. Pure types.
 */
import type { ModelSpec } from './model-spec';

/** text-embeddings-inference, the Cohere v2 family (Cohere, Jina, vLLM, Infinity), Voyage. */
export type RemoteKind = 'tei' | 'cohere' | 'voyage';
export type RerankerKind = 'local' | RemoteKind;

/**
 * How to read a reranker's scores: `logit`, the model's raw output (the local cross-encoder, TEI with
 * raw_scores), or `probability`, a 0–1 relevance score (Cohere, Jina, vLLM, Infinity, Voyage).
 */
export type RerankScoreKind = 'logit' | 'probability';

export interface RemoteLimits {
  /** Texts per request (default: TEI 32, Cohere-compatible and Voyage 1,000). */
  maxTexts?: number;
  /** JSON body bytes per request (default 2,000,000, TEI's `--payload-limit`). */
  maxBytes?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Per attempt, from sending to the last byte of the reply (default 60 s). */
  timeoutMs?: number;
  /** Retries of a 429/503 per request (default 4). */
  retries?: number;
  /** Longest wait before a retry (default 30 s); a longer Retry-After fails at once with code 'rate-limited'. */
  maxRetryDelayMs?: number;
  /** First backoff when the server gives no Retry-After (default 500 ms, doubling). */
  baseDelayMs?: number;
}

export interface LocalReranker {
  kind: 'local';
  model: ModelSpec;
}

export interface RemoteReranker {
  kind: RemoteKind;
  /** The full endpoint URL. */
  url: string;
  /** Sent as `model` (Cohere and Voyage need one). */
  model?: string;
  /** Sent only in `Authorization: Bearer`; never part of a label, a log line or a cache key. */
  apiKey?: string;
  limits?: RemoteLimits;
}

export type RerankerSpec = LocalReranker | RemoteReranker;
