import type { EvaluationReport } from './evaluate';
import { METRIC_NAMES, metricKey, type KeyedMetrics, type MetricName } from './metrics';

export interface MarkdownOptions {
  title?: string;
  /** Query id → text, shown beside the ids of the queries that got worse. */
  queryText?: ReadonlyMap<string, string>;
  /** How many worsened queries to list (default 20). */
  maxWorse?: number;
}

const HEADINGS: Record<MetricName, string> = {
  ndcg: 'nDCG',
  mrr: 'MRR',
  recall: 'Recall',
  precision: 'P',
  hitRate: 'Hit rate',
  map: 'MAP',
};

/** The rows of the metrics table: each source, the merged input when there are several, RRF, reranked. */
export function reportRows(report: EvaluationReport): { label: string; metrics: KeyedMetrics }[] {
  const rows = report.sources.map((s) => ({ label: s.name, metrics: s.metrics }));
  if (report.sources.length > 1) rows.push({ label: 'Merged input', metrics: report.input });
  if (report.rrf) rows.push({ label: `RRF (k = ${report.rrfK})`, metrics: report.rrf });
  if (report.reranked) rows.push({ label: 'Reranked', metrics: report.reranked });
  return rows;
}

/** Queries whose nDCG@k the reranker lowered, worst first. */
export function worsenedQueries(report: EvaluationReport): { id: string; before: number; after: number; delta: number }[] {
  const key = metricKey('ndcg', report.k);
  return report.perQuery
    .filter((q) => q.reranked !== null)
    .map((q) => ({ id: q.id, before: q.input[key], after: q.reranked![key], delta: q.reranked![key] - q.input[key] }))
    .filter((q) => q.delta < -1e-12)
    .sort((a, b) => a.delta - b.delta);
}

/** The evaluation report as Markdown: plain text, every user-supplied string escaped. */
export function renderMarkdownReport(report: EvaluationReport, options: MarkdownOptions = {}): string {
  const { k } = report;
  const out: string[] = [`# ${escapeMarkdown(options.title ?? 'Evaluation')}`, ''];
  const skipped = report.skipped.length
    ? `; ${report.skipped.length} skipped (no relevant judgment): ${report.skipped.map(code).join(', ')}`
    : '';
  out.push(`${report.queries} ${report.queries === 1 ? 'query' : 'queries'} evaluated at k = ${k}${skipped}.`, '');

  const rows = reportRows(report);
  const keys = METRIC_NAMES.map((m) => metricKey(m, k));
  const best = keys.map((key) => Math.max(...rows.map((r) => r.metrics[key])));
  out.push(`| Ranking | ${METRIC_NAMES.map((m) => (m === 'map' ? HEADINGS[m] : `${HEADINGS[m]}@${k}`)).join(' | ')} |`);
  out.push(`|---|${keys.map(() => '---:').join('|')}|`);
  for (const row of rows) {
    const cells = keys.map((key, i) => {
      const value = row.metrics[key].toFixed(3);
      return row.metrics[key] >= best[i] - 1e-12 && rows.length > 1 ? `**${value}**` : value;
    });
    out.push(`| ${escapeMarkdown(row.label)} | ${cells.join(' | ')} |`);
  }
  out.push(
    '',
    `Best per column in bold. nDCG uses linear gain (grade / log2(rank + 1)) with the ideal ranking from all judged documents, ` +
      `as trec_eval's ndcg_cut; MAP is over the whole ranking; unjudged documents count as not relevant.`,
  );

  if (report.reranked) {
    const worse = worsenedQueries(report);
    out.push('', `## Queries that got worse (nDCG@${k}, reranked vs input)`, '');
    if (worse.length === 0) out.push('No query got worse.');
    else {
      const limit = options.maxWorse ?? 20;
      out.push('| Query | Before | After | Δ |', '|---|---:|---:|---:|');
      for (const q of worse.slice(0, limit)) {
        const text = options.queryText?.get(q.id);
        const label = text ? `${code(q.id)} ${escapeMarkdown(text)}` : code(q.id);
        out.push(`| ${label} | ${q.before.toFixed(3)} | ${q.after.toFixed(3)} | ${(q.delta).toFixed(3)} |`);
      }
      if (worse.length > limit) out.push('', `…and ${worse.length - limit} more.`);
    }
  }
  return out.join('\n') + '\n';
}

/** Escapes text for a Markdown table cell: no markup, links, HTML or line breaks survive. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

/**
 * An id in a code span fenced by more backticks than it holds in a row, so it cannot close the span;
 * `|` is escaped because GitHub tables split cells on it even inside code spans.
 */
function code(id: string): string {
  const body = id.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return fence + pad + body + pad + fence;
}
