import type { DocumentSource, MergedDocument } from './documents';
import type { RerankScoreKind } from './rerankers/reranker';

export interface RankedDocument extends MergedDocument {
  /** 1-based position after reranking. */
  rank: number;
  /**
   * The reranker's score: a raw logit (what sentence-transformers' CrossEncoder.predict prints) or, from a
   * reranker that gives probabilities, that 0–1 relevance score (see the run's `scoreKind`).
   */
  score: number;
  /** A 0–1 view of the same number: sigmoid(score) for a logit, the score itself for a probability. */
  probability: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Movement against the original (merged input) rank: ↑3 moved up three places, ↓2 down, = unchanged. */
export function movement(originalRank: number, rank: number): string {
  if (originalRank === rank) return '=';
  return originalRank > rank ? `↑${originalRank - rank}` : `↓${rank - originalRank}`;
}

/** Orders documents by score, highest first; ties keep the merged input order. */
export function rankByScore(documents: readonly MergedDocument[], scores: readonly number[], kind: RerankScoreKind = 'logit'): RankedDocument[] {
  if (scores.length !== documents.length) {
    throw new Error(`Got ${scores.length} scores for ${documents.length} documents.`);
  }
  const probability = kind === 'probability' ? (s: number) => s : sigmoid;
  return documents
    .map((doc, i) => ({ doc, score: scores[i] }))
    .sort((a, b) => b.score - a.score || a.doc.originalRank - b.doc.originalRank)
    // Object.assign, not a spread: on 20,000 documents the spread took 300+ ms of the extension host's thread.
    .map(({ doc, score }, i) => Object.assign({}, doc, { rank: i + 1, score, probability: probability(score) }));
}

/** The `--json` report of the CLI, also written by "Export results…". */
export interface RerankReport {
  query: string;
  model: string;
  /** How to read `score`: `logit` (raw) or `probability` (a 0–1 relevance score from the reranker). */
  scoreKind: RerankScoreKind;
  /** For a multi-query file: which of its result sets was reranked. */
  resultSet?: { index: number; of: number; label: string };
  results: {
    id: string | number;
    /** Present (true) when the file had no id and `id` is a hash of the text. */
    idDerived?: true;
    rank: number;
    score: number;
    probability: number;
    originalRank: number;
    text: string;
    metadata: Record<string, unknown>;
    /** `scoreKind` says how to read the source's own score (absent when it has none). */
    sources: Pick<DocumentSource, 'file' | 'rank' | 'score' | 'scoreKind'>[];
  }[];
  /** Documents past the max documents, by fused rank: not reranked (present only when some were left out). */
  notReranked?: { id: string | number; fusedRank: number; originalRank: number }[];
}

/** A document past the max documents: listed, not reranked. */
export interface UnscoredDocument extends MergedDocument {
  /** 1-based position by Reciprocal Rank Fusion of the input files (what decided it was left out). */
  fusedRank: number;
}

export interface ReportExtras {
  scoreKind?: RerankScoreKind;
  resultSet?: RerankReport['resultSet'];
  unscored?: readonly UnscoredDocument[];
}

export function toReport(query: string, model: string, ranked: readonly RankedDocument[], topK?: number, extras: ReportExtras = {}): RerankReport {
  const kept = topK === undefined ? ranked : ranked.slice(0, topK);
  const { resultSet, unscored = [] } = extras;
  return {
    query,
    model,
    scoreKind: extras.scoreKind ?? 'logit',
    ...(resultSet && { resultSet }),
    results: kept.map((d) => ({
      id: d.id,
      ...(d.idDerived && { idDerived: true as const }),
      rank: d.rank,
      score: d.score,
      probability: d.probability,
      originalRank: d.originalRank,
      text: d.text,
      metadata: d.metadata,
      sources: d.sources.map(({ file, rank, score, scoreKind }) => ({ file, rank, score, ...(scoreKind && { scoreKind }) })),
    })),
    ...(unscored.length && {
      notReranked: unscored.map((d) => ({ id: d.id, fusedRank: d.fusedRank, originalRank: d.originalRank })),
    }),
  };
}
