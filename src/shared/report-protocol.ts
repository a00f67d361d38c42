/**
 * Messages between the extension host and the evaluation report webview. Both sides import this file,
 * so a message one side sends and the other does not handle fails to compile.
 */
import type { EvalReport, KeyedMetrics } from './eval-types';

/** Everything the report shows; also what the panel keeps to be restored after a reload. */
export interface ReportView {
  title: string;
  /** `Date.now()` when the evaluation finished. */
  createdAt: number;
  /** The reranker, or null when only the runs were evaluated. */
  model: { name: string; dtype: string } | null;
  /** How many documents of each run were reranked per query. */
  topN: number;
  /** Names (workspace-relative) of the inputs, for the report's header. */
  inputs: { corpus: string; queries: string; qrels: string; runs: string[] };
  report: EvalReport;
  /** The metrics table's rows in order: each source, the merged input (several sources), RRF, reranked. */
  rows: { label: string; kind: 'source' | 'input' | 'rrf' | 'reranked'; metrics: KeyedMetrics }[];
  /** Query id → text. */
  queryText: Record<string, string>;
  warnings: string[];
}

export type ExportFormat = 'markdown' | 'json';

export type ReportHostMessage =
  | { type: 'show'; view: ReportView }
  /** Which query's rerank is running (null: none), so its row can say so. */
  | { type: 'busy'; queryId: string | null };

export type ReportWebviewMessage =
  | { type: 'ready' }
  /** Rerank this query's candidates alone and show them in the Reranked Results tree. */
  | { type: 'openQuery'; queryId: string }
  | { type: 'export'; format: ExportFormat };

export const REPORT_VIEW_TYPE = 'rerankLens.evaluation';
