import * as vscode from 'vscode';
import type { DocumentSource } from '../core/documents';
import { movement, type RankedDocument, type UnscoredDocument } from '../core/rerank';
import { describeThreshold, standing, type Cut, type Standing } from '../core/threshold';
import { provenance, provenanceBadges, provenanceWords, type Provenance } from './badges';
import { Commands } from './commands';
import { distinctTitles, escapeMarkdown, firstWords } from './labels';
import { keepOrder, ordered, positionBefore, RERANKED, type OrderView } from './order';
import { rowUri } from './row-decorations';
import { originalLead, rerankedLead, rowLabel, rowText, scoreColumn } from './rows';
import type { RerankSession } from './session';
import { conflictMarks, markConflict, sourceLine } from './tree-notes';
import { queryItem, scoreLine, unscoredItem } from './tree-items';

/** `pending`: still being scored (progressive results); `not-reranked`: past rerankLens.maxDocuments. */
export type DividerReason = 'top-k' | 'threshold' | 'not-found' | 'pending' | 'not-reranked';

export type ResultNode =
  | { kind: 'query'; session: RerankSession }
  | { kind: 'document'; doc: RankedDocument; top: boolean }
  | { kind: 'unscored'; doc: UnscoredDocument }
  | { kind: 'divider'; reason: DividerReason; count: number }
  | { kind: 'field'; doc: RankedDocument; key: string; value: unknown }
  | { kind: 'source'; doc: RankedDocument; source: DocumentSource };

/** Everything a row needs that depends on the whole result: computed once per `show`, not per row. */
export interface RowContext {
  cut: Cut;
  provenance: Provenance;
  score: (s: number) => string;
  titles: Map<RankedDocument, string> | undefined;
}

/**
 * The "Reranked Results" view: a pure view over a session (no I/O in getChildren). It shows either the
 * current (finished) session or, while a rerank runs, its progressive results; `current` is always the
 * finished one, which Ask, Export and "Rerank again" use.
 */
export class ResultsTree implements vscode.TreeDataProvider<ResultNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ResultNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private finished: RerankSession | undefined;
  private session: RerankSession | undefined;
  private root: ResultNode | undefined;
  private view: OrderView = RERANKED;
  private rows: RowContext | undefined;
  private documentNodes = new Map<RankedDocument, Extract<ResultNode, { kind: 'document' }>>();

  get current(): RerankSession | undefined {
    return this.finished;
  }

  /** What the tree shows: the current session, or the progressive results of the rerank running now. */
  get shown(): RerankSession | undefined {
    return this.session;
  }

  get order(): OrderView {
    return this.view;
  }

  show(session: RerankSession | undefined): void {
    this.finished = session;
    this.render(session);
  }

  /** Shows a running rerank's results so far, without making them current. */
  showPartial(session: RerankSession): void {
    this.render(session);
  }

  /** Back to the current session (a rerank failed or was cancelled). */
  restore(): void {
    if (this.session !== this.finished) this.render(this.finished);
  }

  private render(session: RerankSession | undefined): void {
    this.session = session;
    this.root = session && { kind: 'query', session };
    if (session) this.view = keepOrder(this.view, session.fileNames);
    const cut: Cut = session ? { topK: session.topK, ...session.threshold } : { topK: 0, minScore: null, minProbability: null };
    this.rows = session && {
      cut,
      provenance: provenance(session.fileNames),
      score: scoreColumn(session.documents, session.scoreKind),
      titles: distinctTitles(session.documents),
    };
    this.documentNodes = new Map(
      (session?.documents ?? []).map((doc) => [doc, { kind: 'document', doc, top: standing(doc, cut) === 'top' }]),
    );
    this.changed.fire(undefined);
  }

  /** Lists the documents in reranked order, the merged input order or one file's order. */
  setOrder(view: OrderView): void {
    this.view = view;
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** The node of a document, for `TreeView.reveal`. */
  nodeOf(doc: RankedDocument): ResultNode | undefined {
    return this.documentNodes.get(doc);
  }

  getChildren(node?: ResultNode): ResultNode[] {
    if (!node) return this.root ? [this.root] : [];
    switch (node.kind) {
      case 'query':
        return this.view.kind === 'reranked' ? this.rerankedChildren() : this.originalChildren(this.view);
      case 'document':
        return [
          ...Object.entries(node.doc.metadata).map(([key, value]): ResultNode => ({ kind: 'field', doc: node.doc, key, value })),
          ...node.doc.sources.map((source): ResultNode => ({ kind: 'source', doc: node.doc, source })),
        ];
      default:
        return [];
    }
  }

  /**
   * Best first, with a divider where the top k ends and one where the threshold cuts; then how many are still
   * being scored, and the documents past rerankLens.maxDocuments.
   */
  private rerankedChildren(): ResultNode[] {
    const docs = [...this.documentNodes.values()];
    const standings = docs.map((n) => standing(n.doc, this.rows!.cut));
    const out: ResultNode[] = [];
    docs.forEach((n, i) => {
      if (standings[i] !== 'top' && standings[i] !== standings[i - 1]) {
        const count = standings.filter((s) => s === standings[i]).length;
        out.push({ kind: 'divider', reason: standings[i] === 'below-top-k' ? 'top-k' : 'threshold', count });
      }
      out.push(n);
    });
    return [...out, ...this.tail()];
  }

  private originalChildren(view: OrderView): ResultNode[] {
    const { listed, missing } = ordered([...this.documentNodes.keys()], view);
    const nodes = (docs: RankedDocument[]) => docs.map((d) => this.documentNodes.get(d)!);
    if (missing.length === 0) return [...nodes(listed), ...this.tail()];
    return [...nodes(listed), { kind: 'divider', reason: 'not-found', count: missing.length }, ...nodes(missing), ...this.tail()];
  }

  /** After the scored documents: how many are still being scored, then the ones left unscored. */
  private tail(): ResultNode[] {
    const session = this.session!;
    const out: ResultNode[] = [];
    if (session.pending) out.push({ kind: 'divider', reason: 'pending', count: session.pending });
    if (session.unscored.length) {
      out.push({ kind: 'divider', reason: 'not-reranked', count: session.unscored.length });
      for (const doc of session.unscored) out.push({ kind: 'unscored', doc });
    }
    return out;
  }

  getParent(node: ResultNode): ResultNode | undefined {
    if (node.kind === 'document' || node.kind === 'divider' || node.kind === 'unscored') return this.root;
    if (node.kind === 'field' || node.kind === 'source') return this.documentNodes.get(node.doc);
    return undefined;
  }

  getTreeItem(node: ResultNode): vscode.TreeItem {
    switch (node.kind) {
      case 'query':
        return queryItem(node.session, this.rows!, this.view);
      case 'document':
        return this.documentItem(node.doc);
      case 'unscored':
        return unscoredItem(node.doc, this.rows!);
      case 'divider':
        return this.dividerItem(node.reason, node.count);
      case 'field': {
        const item = new vscode.TreeItem(node.key);
        item.description = oneLine(node.value);
        item.tooltip = new vscode.MarkdownString().appendCodeblock(JSON.stringify(node.value, null, 2) ?? '', 'json');
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'field';
        return item;
      }
      case 'source': {
        const s = node.source;
        const item = new vscode.TreeItem(s.file);
        item.description = `#${s.rank}${s.score === undefined ? '' : ` · ${s.score}`}`;
        const marker = this.rows?.provenance.markers.get(s.file);
        item.tooltip = `${marker ? `${marker}: ` : ''}${sourceLine(s)} (line ${s.line})`;
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'source';
        item.command = { command: Commands.revealInSource, title: 'Reveal in source', arguments: [node] };
        return item;
      }
    }
  }

  private dividerItem(reason: DividerReason, count: number): vscode.TreeItem {
    const cut = this.rows!.cut;
    const item = new vscode.TreeItem(DIVIDER_LABELS[reason](cut, this.view));
    item.description = reason === 'threshold' ? `${describeThreshold(cut)} · ${count} more` : `${count} more`;
    item.tooltip =
      reason === 'threshold'
        ? `Documents below the threshold (${describeThreshold(cut)}) are not sent to Ask. Settings: rerankLens.minScore, rerankLens.minProbability.`
        : reason === 'top-k'
          ? `Only the top ${cut.topK} are sent to Ask (setting rerankLens.topK).`
          : reason === 'pending'
            ? 'Still being scored, highest fused rank first; the list fills in as batches finish.'
            : reason === 'not-reranked'
              ? 'Past rerankLens.maxDocuments by fused rank (Reciprocal Rank Fusion of the input files): listed in that order, not reranked and never sent to Ask.'
              : 'These documents were not in this file; they are listed in reranked order.';
    const icon = reason === 'threshold' ? 'filter' : reason === 'pending' ? 'loading~spin' : reason === 'not-reranked' ? 'circle-slash' : 'fold-down';
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor('disabledForeground'));
    item.contextValue = `divider.${reason}`;
    return item;
  }

  private documentItem(doc: RankedDocument): vscode.TreeItem {
    const rows = this.rows!;
    const where = standing(doc, rows.cut);
    const lead = this.view.kind === 'reranked' ? rerankedLead(doc, rows.score) : originalLead(doc, positionBefore(doc, this.view), rows.score);
    const label = rowLabel({ lead, badges: provenanceBadges(doc, rows.provenance), marks: conflictMarks(doc), text: rowText(doc, rows.titles?.get(doc)) });
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `doc:${String(doc.id)}`;
    item.iconPath = STANDING_ICONS[where]();
    item.resourceUri = rowUri(doc, where);
    item.contextValue = where === 'top' ? 'document.top' : where === 'below-top-k' ? 'document' : 'document.belowThreshold';
    item.tooltip = documentTooltip(doc, where, rows.provenance, this.session!.scoreKind);
    const found = provenanceWords(doc, rows.provenance);
    item.accessibilityInformation = {
      label:
        `${where === 'top' ? 'Top, ' : where === 'below-threshold' ? 'Below the threshold, ' : ''}rank ${doc.rank}, ` +
        `${this.session!.scoreKind === 'probability' ? 'probability' : 'score'} ${rows.score(doc.score).trim()}, ` +
        `was ${doc.originalRank}${found ? `, ${found}` : ''}: ${rows.titles?.get(doc) ?? firstWords(doc.text)}`,
    };
    item.command = { command: Commands.openChunk, title: 'Open chunk', arguments: [this.documentNodes.get(doc)] };
    markConflict(item, doc);
    return item;
  }
}

const STANDING_ICONS: Record<Standing, () => vscode.ThemeIcon> = {
  top: () => new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow')),
  'below-top-k': () => new vscode.ThemeIcon('circle-small-filled', new vscode.ThemeColor('disabledForeground')),
  'below-threshold': () => new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

const DIVIDER_LABELS: Record<DividerReason, (cut: Cut, view: OrderView) => string> = {
  'top-k': (cut) => `Below the top ${cut.topK}`,
  threshold: () => 'Below the threshold',
  'not-found': (_, view) => `Not found by ${(view as { file: string }).file}`,
  pending: () => 'Scoring…',
  'not-reranked': () => 'Not reranked (past rerankLens.maxDocuments)',
};

const STANDING_WORDS: Record<Standing, string> = {
  top: 'top: sent to Ask',
  'below-top-k': 'below the top k',
  'below-threshold': 'below the threshold: not sent to Ask',
};

function documentTooltip(doc: RankedDocument, where: Standing, p: Provenance, kind: RerankSession['scoreKind']): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**#${doc.rank}** · ${STANDING_WORDS[where]} · id ${escapeMarkdown(String(doc.id))}\n\n`);
  md.appendMarkdown(`${scoreLine(doc, kind)} · original rank ${doc.originalRank} (${movement(doc.originalRank, doc.rank)})\n\n`);
  // Chunk text is untrusted: escaped, it can never become links, images or HTML (and HTML is off anyway).
  md.appendMarkdown(`${escapeMarkdown(firstWords(doc.text, 400))}\n\n`);
  for (const s of doc.sources) {
    const marker = p.markers.get(s.file);
    md.appendMarkdown(`- ${escapeMarkdown(`${marker ? `${marker} ` : ''}${sourceLine(s)}`)}\n`);
  }
  return md;
}

function oneLine(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
