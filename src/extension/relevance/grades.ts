/**
 * How relevance labels read in the tree: the grade badges of the rows (`★3`, `✓2`, `✓1`, `✗0`), their
 * words, the marks of documents the reranker moved across the top-k cut, and the metrics part of the
 * query row. Pure (no `vscode`), so unit tests and the UI test compose the same strings.
 */
import type { Metrics } from '../../core/eval/metrics';
import type { LabelSummary } from '../../core/eval/query-labels';

/** The grades "Mark relevance" offers, with the names TREC-style graded judgments commonly use. */
export const GRADES = [
  { grade: 0, name: 'Not relevant' },
  { grade: 1, name: 'Relevant' },
  { grade: 2, name: 'Highly relevant' },
  { grade: 3, name: 'Perfect' },
] as const;

/** A row's badge: `★3` for the top grade (and above), `✓1`/`✓2` for relevant, `✗0` for judged not relevant. */
export function gradeMark(grade: number): string {
  return `${grade >= 3 ? '★' : grade > 0 ? '✓' : '✗'}${grade}`;
}

/** "Perfect (3)"; a grade above 3 (from a qrels file) is "grade 4". */
export function gradeWords(grade: number): string {
  const named = GRADES.find((g) => g.grade === grade);
  return named ? `${named.name} (${grade})` : `grade ${grade}`;
}

export type CutMove = 'above' | 'below';

/** After the grade badge: moved into the top k (⇑) or out of it (⇓) by the reranker. */
export const CUT_MARKS: Record<CutMove, string> = { above: '⇑', below: '⇓' };

export function cutMoveWords(move: CutMove, cut: number): string {
  return move === 'above' ? `the reranker moved it into the top ${cut}` : `the reranker moved it out of the top ${cut}`;
}

const value = (n: number) => n.toFixed(2);

/** The query row's part: "nDCG@10 0.61 → 0.78" (input order → reranked). */
export function metricsPart(summary: LabelSummary): string {
  return `nDCG@${summary.k} ${value(summary.input.ndcg)} → ${value(summary.reranked.ndcg)}`;
}

/** The same in words, for screen readers. */
export function metricsWords(summary: LabelSummary): string {
  return `nDCG at ${summary.k}: ${value(summary.input.ndcg)} in the input order, ${value(summary.reranked.ndcg)} reranked`;
}

/** The metrics table of the query row's tooltip, as the evaluation report names them. */
export const METRIC_ROWS: readonly { key: keyof Metrics; name: (k: number) => string }[] = [
  { key: 'ndcg', name: (k) => `nDCG@${k}` },
  { key: 'mrr', name: (k) => `MRR@${k}` },
  { key: 'recall', name: (k) => `Recall@${k}` },
  { key: 'precision', name: (k) => `P@${k}` },
  { key: 'hitRate', name: (k) => `Hit rate@${k}` },
  { key: 'map', name: () => 'MAP' },
];

export function metricsTable(summary: LabelSummary): string {
  const rows = METRIC_ROWS.map(({ key, name }) => {
    const before = summary.input[key];
    const after = summary.reranked[key];
    const delta = after - before;
    return `| ${name(summary.k)} | ${before.toFixed(3)} | ${after.toFixed(3)} | ${delta === 0 ? '=' : `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(3)}`} |`;
  });
  return ['| | Input order | Reranked | Δ |', '|---|---:|---:|---:|', ...rows].join('\n');
}
