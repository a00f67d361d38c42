import type { DocumentSource, MergedDocument } from './documents';

export interface RankedDocument extends MergedDocument {
  /** 1-based position after reranking. */
  rank: number;
  /** The cross-encoder's raw logit (what sentence-transformers' CrossEncoder.predict prints). */
  score: number;
  /** sigmoid(score): a 0–1 view of the same number. */
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
export function rankByScore(documents: readonly MergedDocument[], scores: readonly number[]): RankedDocument[] {
  if (scores.length !== documents.length) {
    throw new Error(`Got ${scores.length} scores for ${documents.length} documents.`);
  }
  return documents
    .map((doc, i) => ({ doc, score: scores[i] }))
    .sort((a, b) => b.score - a.score || a.doc.originalRank - b.doc.originalRank)
    // Object.assign, not a spread: on 20,000 documents the spread took 300+ ms of the extension host's thread.
    .map(({ doc, score }, i) => Object.assign({}, doc, { rank: i + 1, score, probability: sigmoid(score) }));
}

/** The `--json` report of the CLI, also written by "Export results…". */
export interface RerankReport {
  query: string;
  model: string;
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
}

export function toReport(
  query: string,
  model: string,
  ranked: readonly RankedDocument[],
  topK?: number,
  resultSet?: RerankReport['resultSet'],
): RerankReport {
  const kept = topK === undefined ? ranked : ranked.slice(0, topK);
  return {
    query,
    model,
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
  };
}
