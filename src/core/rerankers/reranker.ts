/**
 * What a reranker is, as every front end names it: the local cross-encoder (run by the scoring worker) or a
 * reranking server (TEI, Cohere-compatible, Voyage). Pure data and labels; scoring is in ./scorer.ts.
 */
import type { RemoteKind, RerankerKind, RerankerSpec, RerankScoreKind } from '../../shared/reranker-spec';
import { endpointLabel } from './remote/errors';

export type { LocalReranker, RemoteReranker, RerankerKind, RerankerSpec, RerankScoreKind } from '../../shared/reranker-spec';

export const RERANKER_KINDS: readonly RerankerKind[] = ['local', 'tei', 'cohere', 'voyage'];

export function isRerankerKind(value: unknown): value is RerankerKind {
  return typeof value === 'string' && (RERANKER_KINDS as readonly string[]).includes(value);
}

/** The kind of scores to expect before any arrive (a Cohere-style server may turn out to send raw scores). */
export function expectedScoreKind(kind: RerankerKind): RerankScoreKind {
  return kind === 'local' || kind === 'tei' ? 'logit' : 'probability';
}

const REMOTE_NAMES: Record<RemoteKind, string> = { tei: 'TEI', cohere: 'Cohere-compatible', voyage: 'Voyage' };

/**
 * One line naming a reranker: "ms-marco-MiniLM-L-6-v2 (fp32)" for the local model (its folder or hub id's last
 * part), "TEI at http://gpu-box:8080/rerank", "Cohere-compatible rerank-v3.5 at https://api.cohere.com/v2/rerank".
 * Remote URLs are shown as origin + path only (no credentials, no query string).
 */
export function rerankerLabel(spec: RerankerSpec): string {
  if (spec.kind === 'local') return `${lastPart(spec.model.model)} (${spec.model.dtype})`;
  const model = spec.model?.trim() ? ` ${spec.model.trim()}` : '';
  return `${REMOTE_NAMES[spec.kind]}${model} at ${safeEndpoint(spec.url)}`;
}

/** "logits" / "probabilities": how the tree and the CLI say what a score column holds. */
export function scoreKindWords(kind: RerankScoreKind): string {
  return kind === 'logit' ? 'raw logits' : 'probabilities (0–1)';
}

function lastPart(model: string): string {
  return model.split(/[\\/]/).filter(Boolean).pop() ?? model;
}

function safeEndpoint(raw: string): string {
  try {
    return endpointLabel(new URL(raw.trim()));
  } catch {
    return raw.trim().replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1').replace(/[?#].*$/, '');
  }
}
