/**
 * Tree items that describe the whole result rather than one scored document: the query row (which reranker
 * scored, what its scores are, progress while it runs) and the rows of documents left unscored.
 */
import * as vscode from 'vscode';
import type { RankedDocument, UnscoredDocument } from '../core/rerank';
import { scoreKindWords, type RerankScoreKind } from '../core/rerankers/reranker';
import { describeThreshold, hasThreshold, minScoreIgnored } from '../core/threshold';
import { markerLegend, provenanceBadges } from './badges';
import { escapeMarkdown, firstWords } from './labels';
import { describeOrder, type OrderView } from './order';
import { GAP, rowLabel, rowText } from './rows';
import type { RerankSession } from './session';
import type { RowContext } from './tree';
import { filesMarkdown, sourceLine } from './tree-notes';

const count = (n: number) => n.toLocaleString('en-US');

/** "Score **7.1034** (raw logit) · sigmoid 0.9992", or for a server's probabilities "Probability **0.9312** (…)". */
export function scoreLine(doc: Pick<RankedDocument, 'score' | 'probability'>, kind: RerankScoreKind): string {
  return kind === 'probability'
    ? `Probability **${doc.score.toFixed(4)}** (the reranker's 0–1 relevance score; it gives no logit)`
    : `Score **${doc.score.toFixed(4)}** (raw logit) · sigmoid ${doc.probability.toFixed(4)}`;
}

export function queryItem(session: RerankSession, rows: RowContext, view: OrderView): vscode.TreeItem {
  const item = new vscode.TreeItem(session.query, vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'query';
  const kind = session.scoreKind === 'probability' ? 'probabilities' : 'logits';
  const scored = session.documents.length;
  const when = session.pending ? `scoring ${count(scored)} / ${count(scored + session.pending)}…` : `${(session.elapsedMs / 1000).toFixed(2)} s`;
  // Parts joined by " · ": more (e.g. evaluation metrics) can be appended without touching the others.
  const parts = [session.reranker, kind, when];
  if (hasThreshold(session.threshold)) parts.push(describeThreshold(session.threshold));
  if (minScoreIgnored(session.threshold)) parts.push('minScore ignored');
  if (view.kind !== 'reranked') parts.push(describeOrder(view));
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(session.pending ? 'loading~spin' : 'search');
  item.contextValue = session.pending ? 'query.scoring' : 'query';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Query** ${escapeMarkdown(session.query)}\n\n`);
  md.appendMarkdown(`**Reranker** ${escapeMarkdown(session.reranker)}: scores are ${escapeMarkdown(scoreKindWords(session.scoreKind))}\n\n`);
  if (minScoreIgnored(session.threshold)) {
    md.appendMarkdown('rerankLens\\.minScore is a threshold on raw logits and is ignored here; rerankLens\\.minProbability applies to these scores\\.\n\n');
  }
  md.appendMarkdown(`**Files** ${escapeMarkdown(markerLegend(rows.provenance))}\n\n`);
  md.appendMarkdown(filesMarkdown(session));
  if (session.fileNames.length > 1) {
    md.appendMarkdown(
      `**Badges** ${escapeMarkdown(`${[...rows.provenance.markers.values()].map((m) => `${m}3`).join(' ')}`)}: rank 3 in each file, ` +
        `found by all; ${escapeMarkdown(`${rows.provenance.markers.get(session.fileNames[0])}–`)}: not found by that file\n\n`,
    );
  }
  const cut = hasThreshold(session.threshold) ? `, then the threshold (${escapeMarkdown(describeThreshold(session.threshold))})` : '';
  const done = session.pending
    ? `${count(scored)} documents scored so far, ${count(session.pending)} to go`
    : `${count(scored)} documents reranked in ${(session.elapsedMs / 1000).toFixed(2)} s`;
  md.appendMarkdown(`${done}; top ${session.topK} set apart${cut}. `);
  if (session.unscored.length) md.appendMarkdown(`${count(session.unscored.length)} more past rerankLens\\.maxDocuments were not reranked\\. `);
  md.appendMarkdown(`Listed in ${escapeMarkdown(describeOrder(view))}.`);
  item.tooltip = md;
  return item;
}

/** A document past rerankLens.maxDocuments: its fused rank and text, no score, nothing to expand. */
export function unscoredItem(doc: UnscoredDocument, rows: RowContext): vscode.TreeItem {
  const item = new vscode.TreeItem(rowLabel({ lead: ['—', `#${doc.fusedRank}`], badges: provenanceBadges(doc, rows.provenance), marks: [], text: rowText(doc, undefined) }));
  item.id = `unscored:${String(doc.id)}`;
  item.iconPath = new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('disabledForeground'));
  item.contextValue = 'unscored';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Not reranked** · fused rank ${doc.fusedRank} · merged input rank ${doc.originalRank} · id ${escapeMarkdown(String(doc.id))}\n\n`);
  md.appendMarkdown(`${escapeMarkdown(firstWords(doc.text, 400))}\n\n`);
  for (const s of doc.sources) md.appendMarkdown(`- ${escapeMarkdown(sourceLine(s))}\n`);
  item.tooltip = md;
  item.accessibilityInformation = { label: `Not reranked, fused rank ${doc.fusedRank}${GAP}${firstWords(doc.text)}` };
  return item;
}
