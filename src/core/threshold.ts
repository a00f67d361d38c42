/**
 * The one cut every front end applies to reranked documents (the CLI's report and table, the tree, Ask):
 * the best `topK`, and of those only the ones whose score clears the threshold. A threshold can be set on
 * the raw logit (`minScore`) and/or on sigmoid(logit) (`minProbability`); a document must clear both.
 *
 * With a reranker that gives probabilities (a 0–1 relevance_score: Cohere, Jina, vLLM, Infinity, Voyage) there
 * is no logit: `minScore` does not apply (front ends say it is ignored) and `minProbability` cuts on the score.
 */
import type { RankedDocument } from './rerank';
import type { RerankScoreKind } from './rerankers/reranker';

export interface Threshold {
  /** Lowest raw logit kept (inclusive); null: no cut on the score. Applies to logits only. */
  minScore: number | null;
  /** Lowest probability kept (inclusive, 0–1): sigmoid(logit), or the reranker's own probability; null: no cut. */
  minProbability: number | null;
  /** What the scores are (default `logit`). */
  scoreKind?: RerankScoreKind;
}

export interface Cut extends Threshold {
  /** How many of the best documents count as the top; undefined keeps every document that clears the threshold. */
  topK?: number;
}

/**
 * Where a document stands after the cut: `top` (within the top k and above the threshold: what Ask sends),
 * `below-top-k` (clears the threshold but ranks after k), `below-threshold` (fails the score or probability cut).
 * Documents ranked by score go top → below-top-k → below-threshold, never back.
 */
export type Standing = 'top' | 'below-top-k' | 'below-threshold';

export const NO_THRESHOLD: Threshold = { minScore: null, minProbability: null };

type Scored = Pick<RankedDocument, 'rank' | 'score' | 'probability'>;

/** The logit threshold when it applies (not to probabilities), else null. */
function logitCut(t: Threshold): number | null {
  return t.scoreKind === 'probability' ? null : t.minScore;
}

export function hasThreshold(t: Threshold): boolean {
  return logitCut(t) !== null || t.minProbability !== null;
}

/** True when `minScore` is set but the scores are probabilities, so it cuts nothing (front ends say so). */
export function minScoreIgnored(t: Threshold): boolean {
  return t.minScore !== null && t.scoreKind === 'probability';
}

export function clearsThreshold(doc: Scored, t: Threshold): boolean {
  const minScore = logitCut(t);
  return (minScore === null || doc.score >= minScore) && (t.minProbability === null || doc.probability >= t.minProbability);
}

export function standing(doc: Scored, cut: Cut): Standing {
  if (!clearsThreshold(doc, cut)) return 'below-threshold';
  return cut.topK === undefined || doc.rank <= cut.topK ? 'top' : 'below-top-k';
}

export interface CutResult<T extends Scored> {
  /** What clears every cut, best first. */
  kept: T[];
  belowTopK: T[];
  belowThreshold: T[];
}

/** Splits ranked documents (best first) by standing; each list keeps the given order. */
export function applyCut<T extends Scored>(ranked: readonly T[], cut: Cut): CutResult<T> {
  const out: CutResult<T> = { kept: [], belowTopK: [], belowThreshold: [] };
  for (const doc of ranked) {
    const s = standing(doc, cut);
    (s === 'top' ? out.kept : s === 'below-top-k' ? out.belowTopK : out.belowThreshold).push(doc);
  }
  return out;
}

/** "score ≥ 5 and probability ≥ 0.9" (empty when there is no threshold). */
export function describeThreshold(t: Threshold): string {
  const parts: string[] = [];
  const minScore = logitCut(t);
  if (minScore !== null) parts.push(`score ≥ ${minScore}`);
  if (t.minProbability !== null) parts.push(`probability ≥ ${t.minProbability}`);
  return parts.join(' and ');
}
