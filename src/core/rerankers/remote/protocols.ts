/**
 * The three rerank wire formats: what we send, how we read the reply. Checked against each server's own
 * source or API reference (2026):
 * - TEI: huggingface/text-embeddings-inference `router/src/http/types.rs` (`RerankRequest {query, texts,
 *   truncate, truncation_direction, raw_scores, return_text}`, `RerankResponse(Vec<Rank {index, text?, score}>)`)
 *   and `router/src/http/server.rs` `rerank()` (sorted by score, descending; more than `--max-client-batch-size`
 *   texts (default 32) is `ErrorType::Validation` → 422 since #818 (Feb 2026), 413 before; axum's
 *   `DefaultBodyLimit(--payload-limit, default 2,000,000 bytes)` → 413; `--api-key` → `Authorization: Bearer`).
 *   `raw_scores: true` returns the classifier's logit untouched (false applies sigmoid/softmax).
 * - Cohere v2 family: Cohere `POST /v2/rerank {model, query, documents, top_n}` → `{id, results: [{index,
 *   relevance_score}], meta}` (docs.cohere.com/reference/rerank; ≤ 10,000 documents, ≤ 1,000 recommended);
 *   vLLM `vllm/entrypoints/pooling/score/{api_router,protocol,serving}.py` (`/rerank`, `/v1/rerank` (Jina),
 *   `/v2/rerank` (Cohere); `top_n` 0 = all; `results: [{index, document: {text}, relevance_score}]`, the
 *   score after the model's activation, i.e. sigmoid for one-logit cross-encoders); Jina `/v1/rerank` (same
 *   reply); Infinity `libs/infinity_emb/infinity_emb/fastapi_schemas/pymodels.py` (`RerankInput {query,
 *   documents, return_documents, raw_scores, model, top_n}`; `ReRankResult.results`, `data` before 2024-05).
 * - Voyage: docs.voyageai.com/reference/reranker-api (OpenAPI): `POST https://api.voyageai.com/v1/rerank
 *   {query, documents (≤ 1,000), model (required), top_k, return_documents, truncation}` → `{object: "list",
 *   data: [{index, relevance_score, document?}] (sorted), model, usage}`; errors `{detail}`.
 */

import type { RemoteKind, RerankScoreKind } from '../../../shared/reranker-spec';

export type { RemoteKind } from '../../../shared/reranker-spec';
/** `logit`: the model's raw output (TEI with raw_scores). `probability`: a 0–1 relevance_score. */
export type ScoreKind = RerankScoreKind;

export interface Ranked {
  index: number;
  score: number;
}

export interface Protocol {
  /** For messages: what the server should be. */
  label: string;
  /** Where a server of this kind usually listens, for a 404's hint. */
  pathHint: string;
  /** Per-request limits unless the caller gives its own. */
  maxTexts: number;
  maxBytes: number;
  body(query: string, texts: readonly string[], model: string | undefined): Record<string, unknown>;
  /** The ranked list of a 2xx reply, or why it is not this protocol's reply. */
  parse(json: unknown): Ranked[] | string;
}

const TWO_MB = 2_000_000;

const tei: Protocol = {
  label: 'text-embeddings-inference /rerank',
  pathHint: 'TEI serves POST /rerank',
  maxTexts: 32,
  maxBytes: TWO_MB,
  // truncate: true, so a long document is cut to the model's length instead of failing the whole request.
  body: (query, texts) => ({ query, texts, raw_scores: true, truncate: true }),
  parse(json) {
    if (!Array.isArray(json)) {
      return hasList(json) ? 'it looks like a Cohere/Voyage-style reply ({results} or {data}), not TEI\'s bare array' : 'expected a JSON array of {index, score}';
    }
    return rankedList(json, 'score');
  },
};

const cohere: Protocol = {
  label: 'Cohere-compatible /rerank',
  pathHint: 'vLLM serves /v1/rerank and /v2/rerank, Infinity /rerank, Cohere https://api.cohere.com/v2/rerank, Jina https://api.jina.ai/v1/rerank',
  maxTexts: 1000,
  maxBytes: TWO_MB,
  // top_n = all, or Cohere-style servers return only their default few.
  body: (query, texts, model) => ({ ...(model ? { model } : {}), query, documents: texts, top_n: texts.length }),
  parse: (json) => listReply(json),
};

const voyage: Protocol = {
  label: 'Voyage /rerank',
  pathHint: 'Voyage serves https://api.voyageai.com/v1/rerank',
  maxTexts: 1000,
  maxBytes: TWO_MB,
  body: (query, texts, model) => ({ query, documents: texts, model, top_k: texts.length, truncation: true }),
  parse: (json) => listReply(json),
};

export const PROTOCOLS: Record<RemoteKind, Protocol> = { tei, cohere, voyage };

export function isRemoteKind(s: string): s is RemoteKind {
  return s === 'tei' || s === 'cohere' || s === 'voyage';
}

/** `results` (Cohere, vLLM, Jina, Infinity) or `data` (Voyage, Infinity before 2024-05) of {index, relevance_score}. */
function listReply(json: unknown): Ranked[] | string {
  if (Array.isArray(json)) return 'it looks like TEI\'s bare array, not a {results} or {data} object';
  if (!hasList(json)) return 'expected an object with a "results" or "data" array';
  const o = json as { results?: unknown; data?: unknown };
  return rankedList((Array.isArray(o.results) ? o.results : o.data) as unknown[], 'relevance_score');
}

function hasList(json: unknown): boolean {
  if (!json || typeof json !== 'object') return false;
  const o = json as { results?: unknown; data?: unknown };
  return Array.isArray(o.results) || Array.isArray(o.data);
}

function rankedList(items: unknown[], scoreField: string): Ranked[] | string {
  const out: Ranked[] = [];
  for (const [i, item] of items.entries()) {
    const o = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const index = o.index;
    const score = o[scoreField];
    if (typeof index !== 'number' || !Number.isInteger(index)) return `result ${i} has no integer "index"`;
    if (typeof score !== 'number' || !Number.isFinite(score)) return `result ${i} has no numeric "${scoreField}"`;
    out.push({ index, score });
  }
  return out;
}

/**
 * Scores in input order from one reply for `count` texts, or why the reply cannot be trusted: every index
 * 0..count-1 must come back exactly once (a server that drops or repeats one would misplace scores).
 */
export function inInputOrder(ranked: readonly Ranked[], count: number): number[] | string {
  const scores = new Array<number>(count).fill(Number.NaN);
  const seen = new Uint8Array(count);
  for (const { index, score } of ranked) {
    if (index < 0 || index >= count) return `index ${index} is out of range for ${count} documents`;
    if (seen[index]) return `index ${index} came back twice`;
    seen[index] = 1;
    scores[index] = score;
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) return `${count - ranked.length} of ${count} documents came back without a score (index ${missing} first)`;
  return scores;
}
