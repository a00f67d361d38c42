/**
 * The data of an evaluation as it crosses boundaries: from the worker to the extension host (the
 * `evaluate` and `rerankQuery` worker methods) and from the host to the report webview. Plain JSON-able
 * shapes; the core's evaluation (src/core/eval/evaluate.ts) builds an `EvalReport` directly.
 */

/** Metric key (`ndcg@10`, `mrr@10`, `recall@10`, `precision@10`, `hit_rate@10`, `map`) → value. */
export type KeyedMetrics = Record<string, number>;

export interface QueryEvaluation {
  id: string;
  input: KeyedMetrics;
  rrf: KeyedMetrics | null;
  reranked: KeyedMetrics | null;
}

/** The `--json` shape of `rerank-lens eval`, plus `rrfK` and the per-source means for the editor's table. */
export interface EvalReport {
  /** How many queries were evaluated (those with at least one relevant judgment). */
  queries: number;
  /** Queries met in a source, the reranked map or the qrels without any relevant judgment. */
  skipped: string[];
  k: number;
  /** The merged input (first-appearance order over the sources): the single source when there is one. */
  input: KeyedMetrics;
  /** Reciprocal Rank Fusion of the sources; null with a single source (RRF of one list is that list). */
  rrf: KeyedMetrics | null;
  reranked: KeyedMetrics | null;
  rrfK: number;
  sources: { name: string; metrics: KeyedMetrics }[];
  perQuery: QueryEvaluation[];
}

/** A file of the evaluation: its path, and the name messages and reports use for it. */
export interface EvalFileRef {
  path: string;
  name: string;
}

export interface EvalFiles {
  corpus: EvalFileRef;
  queries: EvalFileRef;
  qrels: EvalFileRef;
  /** TREC runs or results files, one source each, in the user's order. */
  runs: EvalFileRef[];
}

export interface EvalSettings {
  /** Cut-off of the @k metrics. */
  k: number;
  /** How many of each run's documents per query are reranked. */
  topN: number;
}

/** A document of a query's reranked run: TREC `docid` and the cross-encoder's raw score. */
export interface ScoredDoc {
  docId: string;
  score: number;
}

export interface EvalOutcome {
  report: EvalReport;
  /** Query id → its text, for the queries of the report. */
  queryText: Record<string, string>;
  /** Query id → reranked documents in trec_eval order (null without reranking). */
  reranked: [string, ScoredDoc[]][] | null;
  warnings: string[];
  /** Pairs scored and how long reading and scoring took. */
  /** `cachedPairs`: of `pairs`, those the score cache answered (not scored again). */
  stats: { pairs: number; cachedPairs: number; readMs: number; scoreMs: number };
}

/** One candidate of a query as the tree shows it: corpus text and where each run ranked it. */
export interface CandidateDocument {
  id: string;
  title: string;
  text: string;
  sources: { file: string; rank: number; score: number; line: number; column: number }[];
}
