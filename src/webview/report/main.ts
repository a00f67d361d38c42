import type { ReportHostMessage, ReportView, ReportWebviewMessage } from '../../shared/report-protocol';
import { DeltaChart } from './chart';
import { button, el, icon } from './dom';
import { deltaTable, metricsTable, queryDeltas, queryList } from './tables';

interface VsCodeApi {
  postMessage(message: ReportWebviewMessage): void;
  getState(): ReportView | undefined;
  setState(state: ReportView): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('report')!;
const empty = document.getElementById('empty')!;
const open = (queryId: string) => vscode.postMessage({ type: 'openQuery', queryId });
let chart: DeltaChart | undefined;

window.addEventListener('message', (event: MessageEvent<ReportHostMessage>) => {
  const message = event.data;
  if (message.type === 'show') {
    vscode.setState(message.view);
    render(message.view);
  } else {
    for (const node of document.querySelectorAll<HTMLElement>('[data-busy]')) delete node.dataset.busy;
    if (message.queryId) {
      for (const node of document.querySelectorAll<HTMLElement>(`li[data-query="${CSS.escape(message.queryId)}"], tr[data-query="${CSS.escape(message.queryId)}"]`)) node.dataset.busy = 'true';
    }
    document.getElementById('status')!.textContent = message.queryId ? `Reranking ${message.queryId}…` : '';
  }
});

// One listener for every button: the report is rebuilt whenever a new evaluation arrives.
document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-query], [data-command]');
  if (!target) return;
  if (target.dataset.query && target.tagName === 'BUTTON') open(target.dataset.query);
  const command = target.dataset.command;
  if (command === 'export-markdown') vscode.postMessage({ type: 'export', format: 'markdown' });
  if (command === 'export-json') vscode.postMessage({ type: 'export', format: 'json' });
});

function render(view: ReportView): void {
  chart?.dispose();
  chart = undefined;
  empty.hidden = true;
  const { report } = view;
  const header = el('header');
  const title = el('h1', 'title');
  title.append(icon('graph'), document.createTextNode(` ${view.title}`));
  const skipped = report.skipped.length ? ` · ${report.skipped.length} skipped (no relevant judgment): ${report.skipped.join(', ')}` : '';
  const meta = el('p', 'meta', `${report.queries} queries evaluated at k = ${report.k}${skipped}`);
  const reranker = el('p', 'meta', view.model ? `Reranked by ${view.model.name} (${view.model.dtype}), the first ${view.topN} documents of each run per query` : 'Runs only: not reranked');
  const inputs = el('p', 'meta inputs', `Runs: ${view.inputs.runs.join(', ')} · qrels: ${view.inputs.qrels} · queries: ${view.inputs.queries} · corpus: ${view.inputs.corpus}`);
  const tools = el('div', 'tools');
  tools.append(button('export-markdown', 'markdown', 'Export Markdown…'), button('export-json', 'json', 'Export JSON…'));
  header.append(title, meta, reranker, inputs, tools);

  const metrics = section('Metrics', metricsTable(view));
  metrics.append(
    el('p', 'note', 'nDCG uses linear gain (grade / log2(rank + 1)), as trec_eval\'s ndcg_cut; MAP is over the whole ranking; unjudged documents count as not relevant.'),
  );
  const parts: HTMLElement[] = [header, metrics];
  const found = queryDeltas(view);
  if (found) {
    const { deltas, against } = found;
    const label = against === 'reranked' ? 'Reranked' : 'RRF';
    const worse = deltas.filter((d) => d.delta < -1e-12);
    const better = deltas.filter((d) => d.delta > 1e-12).length;
    const summary = `${better} better, ${worse.length} worse, ${deltas.length - better - worse.length} unchanged`;
    const box = el('div', 'chart-box');
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Bar chart of the change in nDCG@${report.k} per query, ${label.toLowerCase()} minus input: ${summary}. The table below lists every value.`);
    box.append(canvas);
    const details = el('details', 'all-queries');
    details.append(el('summary', undefined, `All ${deltas.length} queries as a table`), deltaTable(deltas, report.k, label));
    const chartSection = section(`Change in nDCG@${report.k} per query (${label.toLowerCase()} − input)`, el('p', 'note', `${summary}. Bars above zero: the ${label.toLowerCase()} ranking helped; below: it hurt. Click a bar or a query to rerank it alone in the Reranked Results view.`), box, details);
    const worseSection = section(
      `Queries that got worse (${worse.length})`,
      worse.length ? queryList(worse, 'worse') : el('p', 'note', 'No query got worse.'),
    );
    parts.push(chartSection, worseSection);
    root.replaceChildren(...parts);
    chart = new DeltaChart(canvas, open);
    chart.show(deltas, report.k);
  } else {
    root.replaceChildren(...parts);
  }
  if (view.warnings.length) {
    const list = el('ul', 'warnings');
    for (const w of view.warnings.slice(0, 20)) list.append(el('li', undefined, w));
    root.append(section(`Warnings (${view.warnings.length})`, list));
  }
}

function section(heading: string, ...content: HTMLElement[]): HTMLElement {
  const s = el('section');
  s.append(el('h2', undefined, heading), ...content);
  return s;
}

const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
