import { compareTrecEval } from './run';

/** A document of a fused ranking with its fused score. */
export interface FusedDocument {
  docId: string;
  score: number;
}

/** The k of Cormack, Clarke and Büttcher (SIGIR 2009), "Reciprocal Rank Fusion outperforms Condorcet…". */
export const RRF_K = 60;

/**
 * Reciprocal Rank Fusion: score(d) = Σ over rankings of 1 / (k + rank(d)), rank 1-based; a ranking
 * that lacks d adds nothing. Ties are broken as trec_eval breaks them (document id descending, byte
 * order), so the fused run written as a TREC file evaluates the same in trec_eval, ranx or pytrec_eval
 * as here. Terms are added smallest first, so two documents with the same ranks in different
 * rankings get bit-identical scores and really tie. A single ranking fuses to itself (no ties).
 */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = RRF_K): FusedDocument[] {
  if (!(k >= 0 && Number.isFinite(k))) throw new RangeError(`The RRF k must be a finite number ≥ 0, got ${k}.`);
  const terms = new Map<string, number[]>();
  for (const ranking of rankings) {
    const seen = new Set<string>();
    ranking.forEach((docId, i) => {
      if (seen.has(docId)) return;
      seen.add(docId);
      const list = terms.get(docId);
      const term = 1 / (k + i + 1);
      if (list) list.push(term);
      else terms.set(docId, [term]);
    });
  }
  const fused = [...terms].map(([docId, list]) => ({
    docId,
    score: list.sort((a, b) => a - b).reduce((sum, t) => sum + t, 0),
  }));
  return fused.sort(compareTrecEval);
}

/** The union of several rankings in first-appearance order: what a reranker receives as its input. */
export function mergeInOrder(rankings: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const ranking of rankings) {
    for (const docId of ranking) {
      if (!seen.has(docId)) {
        seen.add(docId);
        out.push(docId);
      }
    }
  }
  return out;
}
