/**
 * Relevance labels on the tree's items: a document row's grade badge and cut mark (in its label's marks
 * slot), tooltip line and screen-reader words; the query row's metrics (description first, where the
 * side bar's width does not cut them), the table in its tooltip and the documents that crossed the cut.
 * Only type imports of `vscode`, like tree-notes.ts.
 */
import type * as vscode from 'vscode';
import { escapeMarkdown } from '../labels';
import { CUT_MARKS, cutMoveWords, gradeMark, gradeWords, metricsPart, metricsTable, metricsWords } from './grades';
import type { TreeLabels } from './label-view';

/** The marks a document row carries after its badges: its grade (`★3`) and, if it crossed the cut, ⇑ or ⇓. */
export function relevanceMarks(docId: string | number, labels: TreeLabels | undefined): string[] {
  if (!labels) return [];
  const id = String(docId);
  const label = labels.labels.get(id);
  const move = labels.moves.get(id);
  return [...(label ? [gradeMark(label.grade)] : []), ...(move ? [CUT_MARKS[move]] : [])];
}

/** The document row's tooltip line, screen-reader words and context value (`.marked`: "Clear relevance" applies). */
export function labelDocumentItem(item: vscode.TreeItem, docId: string | number, labels: TreeLabels | undefined): void {
  if (!labels) return;
  const id = String(docId);
  const label = labels.labels.get(id);
  const move = labels.moves.get(id);
  if (!label && !move) return;
  const words: string[] = [];
  const md = item.tooltip as vscode.MarkdownString | undefined;
  if (label) {
    words.push(`relevance ${gradeWords(label.grade)}`);
    md?.appendMarkdown(
      `\n\n**Relevance ${escapeMarkdown(gradeMark(label.grade))}** ${escapeMarkdown(gradeWords(label.grade))} · ` +
        `from ${escapeMarkdown(label.source)} · query id ${escapeMarkdown(labels.queryId.id)}`,
    );
    if (label.source === labels.own) item.contextValue = `${item.contextValue ?? 'document'}.marked`;
  }
  if (move && labels.summary) {
    const said = cutMoveWords(move, labels.summary.cut);
    words.push(said);
    md?.appendMarkdown(`\n\n**${CUT_MARKS[move]}** Relevant: ${escapeMarkdown(said)}.`);
  }
  const a11y = item.accessibilityInformation;
  if (a11y) item.accessibilityInformation = { ...a11y, label: `${a11y.label}; ${words.join('; ')}` };
}

/**
 * The query row: its metrics lead the description ("nDCG@10 0.61 → 0.78 · …"), and the tooltip gains the
 * query id, where the labels come from, every metric before and after, and the documents that crossed the cut.
 */
export function labelQueryItem(item: vscode.TreeItem, query: string, labels: TreeLabels | undefined): void {
  if (!labels) return;
  const { summary } = labels;
  const part = summary ? metricsPart(summary) : labels.labels.size ? 'no relevant label' : '⚠ labels';
  item.description = [part, item.description].filter(Boolean).join(' · ');
  item.accessibilityInformation = { label: `${query}, ${summary ? metricsWords(summary) : part === '⚠ labels' ? 'labels could not be read' : 'no relevant label'}` };

  const md = item.tooltip as vscode.MarkdownString | undefined;
  if (!md) return;
  const { queryId } = labels;
  const origin = queryId.from === 'evaluation' ? 'the id of this query in the evaluation' : 'derived from the query text (no open evaluation names it)';
  md.appendMarkdown(`\n\n---\n\n**Labels** query id \`${queryId.id.replace(/`/g, '')}\` (${escapeMarkdown(origin)})`);
  if (labels.labels.size) {
    const relevant = [...labels.labels.values()].filter((l) => l.grade > 0).length;
    md.appendMarkdown(` · ${labels.labels.size} judged, ${relevant} relevant · from ${escapeMarkdown(labels.sources.join(', '))}`);
  }
  md.appendMarkdown('\n\n');
  if (summary) {
    md.appendMarkdown(`${metricsTable(summary)}\n\n`);
    md.appendMarkdown(`${escapeMarkdown(cutLine(labels))}\n\n`);
  }
  for (const problem of labels.problems) md.appendMarkdown(`⚠ ${escapeMarkdown(problem)}\n\n`);
}

/** "Across the top 3 …: ⇑ moved in id 15, id 2; ⇓ moved out id 4", or that none crossed it. */
export function cutLine(labels: TreeLabels): string {
  const { summary } = labels;
  if (!summary) return '';
  const { movedAbove, movedBelow, cut } = summary;
  if (!movedAbove.length && !movedBelow.length) return `Across the top ${cut}: no relevant document crossed it (compared with the input order).`;
  const parts = [];
  if (movedAbove.length) parts.push(`${CUT_MARKS.above} moved in ${ids(movedAbove)}`);
  if (movedBelow.length) parts.push(`${CUT_MARKS.below} moved out ${ids(movedBelow)}`);
  return `Across the top ${cut} (compared with the input order), relevant documents: ${parts.join('; ')}.`;
}

const ids = (list: readonly string[]) => list.map((id) => `id ${id}`).join(', ');
