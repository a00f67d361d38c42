import type { KeyedMetrics } from '../../shared/eval-types';
import type { ReportView } from '../../shared/report-protocol';
import { el, fixed, hidden, icon, signed } from './dom';

const METRICS = [
  ['ndcg', 'nDCG'],
  ['mrr', 'MRR'],
  ['recall', 'Recall'],
  ['precision', 'P'],
  ['hit_rate', 'Hit rate'],
  ['map', 'MAP'],
] as const;

/** The metric keys of the report (`ndcg@10` … `map`) with their column headings. */
export function metricColumns(k: number): { key: string; heading: string }[] {
  return METRICS.map(([name, heading]) => (name === 'map' ? { key: 'map', heading } : { key: `${name}@${k}`, heading: `${heading}@${k}` }));
}

/**
 * The metrics table: one row per ranking. The best value of each column is marked three ways — bold,
 * a star icon and "(best)" for screen readers — so it never relies on colour.
 */
export function metricsTable(view: ReportView): HTMLTableElement {
  const columns = metricColumns(view.report.k);
  const table = el('table', 'metrics');
  table.createCaption().textContent = `Means over ${view.report.queries} evaluated queries. Best value per column marked with a star.`;
  const head = table.createTHead().insertRow();
  head.append(th('Ranking', 'col'), ...columns.map((c) => th(c.heading, 'col')));
  const best = columns.map((c) => Math.max(...view.rows.map((r) => r.metrics[c.key])));
  const body = table.createTBody();
  for (const row of view.rows) {
    const tr = body.insertRow();
    tr.dataset.kind = row.kind;
    tr.append(th(row.label, 'row'));
    columns.forEach((c, i) => {
      const td = tr.insertCell();
      const value = row.metrics[c.key];
      if (view.rows.length > 1 && value >= best[i] - 1e-12) {
        td.className = 'best';
        td.append(icon('star-full'), el('strong', undefined, fixed(value)), hidden(' (best)'));
      } else td.textContent = fixed(value);
    });
  }
  return table;
}

export interface QueryDelta {
  id: string;
  text: string;
  before: number;
  after: number;
  delta: number;
}

/** Per query, the change of nDCG@k from the merged input to the reranking (else RRF), sorted by delta. */
export function queryDeltas(view: ReportView): { deltas: QueryDelta[]; against: 'reranked' | 'rrf' } | undefined {
  const { report } = view;
  const against = report.reranked ? 'reranked' : report.rrf ? 'rrf' : undefined;
  if (!against) return undefined;
  const key = `ndcg@${report.k}`;
  const deltas = report.perQuery
    .map((q) => {
      const after = (q[against] as KeyedMetrics)[key];
      return { id: q.id, text: view.queryText[q.id] ?? '', before: q.input[key], after, delta: after - q.input[key] };
    })
    .sort((a, b) => a.delta - b.delta || (a.id < b.id ? -1 : 1));
  return { deltas, against };
}

/** A list of queries, each a button that opens the query in the tree. */
export function queryList(deltas: readonly QueryDelta[], className: string): HTMLOListElement {
  const list = el('ol', className);
  for (const q of deltas) {
    const item = el('li');
    item.dataset.query = q.id;
    const open = el('button', 'query-link');
    open.type = 'button';
    open.dataset.query = q.id;
    open.title = `Rerank ${q.id} alone and show it in the Reranked Results view`;
    open.append(el('span', 'qid', q.id), el('span', 'qtext', q.text));
    const figures = el('span', 'figures', `${fixed(q.before)} → ${fixed(q.after)} (${signed(q.delta)})`);
    item.append(open, figures);
    list.append(item);
  }
  return list;
}

/** Every query's before/after/Δ as a table: the chart's text alternative. */
export function deltaTable(deltas: readonly QueryDelta[], k: number, againstLabel: string): HTMLTableElement {
  const table = el('table', 'deltas');
  table.createCaption().textContent = `nDCG@${k} per query, merged input vs ${againstLabel}, sorted by change.`;
  const head = table.createTHead().insertRow();
  head.append(th('Query', 'col'), th('Input', 'col'), th(againstLabel, 'col'), th('Δ', 'col'));
  const body = table.createTBody();
  for (const q of deltas) {
    const tr = body.insertRow();
    tr.dataset.query = q.id;
    const cell = th('', 'row');
    const open = el('button', 'query-link');
    open.type = 'button';
    open.dataset.query = q.id;
    open.append(el('span', 'qid', q.id), el('span', 'qtext', q.text));
    cell.append(open);
    tr.append(cell);
    for (const value of [fixed(q.before), fixed(q.after), signed(q.delta)]) tr.insertCell().textContent = value;
  }
  return table;
}

function th(text: string, scope: 'col' | 'row'): HTMLTableCellElement {
  const cell = document.createElement('th');
  cell.scope = scope;
  cell.textContent = text;
  return cell;
}
