/**
 * The data of an evaluation as it crosses boundaries: from the worker to the extension host (the
 * `evaluate` and `rerankQuery` worker methods) and from the host to the report webview. Plain JSON-able
 * shapes; the core's `EvaluationReport` is structurally an `EvalReport`.
 */

/** Metric key (`ndcg@10`, `mrr@10`, `recall@10`, `precision@10`, `hit_rate@10`, `map`) → value. */
export type KeyedMetrics = Record<string, number>;

/** The `--json` shape of `rerank-lens eval`, plus `rrfK` and per-source means. */
export interface EvalReport {
  queries: number;
  skipped: string[];
  k: number;
  input: KeyedMetrics;
  rrf: KeyedMetrics | null;
  reranked: KeyedMetrics | null;
  rrfK: number;
  sources: { name: string; metrics: KeyedMetrics }[];
  perQuery: { id: string; input: KeyedMetrics; rrf: KeyedMetrics | null; reranked: KeyedMetrics | null }[];
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
