import * as vscode from 'vscode';
import type { DocumentSource } from '../core/documents';
import { movement, type RankedDocument } from '../core/rerank';
import { Commands } from './commands';
import { documentLabels, escapeMarkdown, firstWords, scoreDescription, shortModelName } from './labels';
import type { RerankSession } from './session';

export type ResultNode =
  | { kind: 'query'; session: RerankSession }
  | { kind: 'document'; doc: RankedDocument; top: boolean }
  | { kind: 'divider'; topK: number; below: number }
  | { kind: 'field'; doc: RankedDocument; key: string; value: unknown }
  | { kind: 'source'; doc: RankedDocument; source: DocumentSource };

/** The "Reranked Results" view: a pure view over the current session (no I/O in getChildren). */
export class ResultsTree implements vscode.TreeDataProvider<ResultNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ResultNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private session: RerankSession | undefined;
  private root: ResultNode | undefined;
  private labels = new Map<RankedDocument, string>();
  private documentNodes = new Map<RankedDocument, ResultNode>();

  get current(): RerankSession | undefined {
    return this.session;
  }

  show(session: RerankSession | undefined): void {
    this.session = session;
    this.root = session && { kind: 'query', session };
    this.labels = session ? documentLabels(session.documents) : new Map();
    this.documentNodes = new Map(
      (session?.documents ?? []).map((doc) => [doc, { kind: 'document', doc, top: doc.rank <= session!.topK }]),
    );
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
      case 'query': {
        const docs = [...this.documentNodes.values()];
        const top = node.session.topK;
        if (docs.length <= top) return docs;
        return [...docs.slice(0, top), { kind: 'divider', topK: top, below: docs.length - top }, ...docs.slice(top)];
      }
      case 'document':
        return [
          ...Object.entries(node.doc.metadata).map(([key, value]): ResultNode => ({ kind: 'field', doc: node.doc, key, value })),
          ...node.doc.sources.map((source): ResultNode => ({ kind: 'source', doc: node.doc, source })),
        ];
      default:
        return [];
    }
  }

  getParent(node: ResultNode): ResultNode | undefined {
    if (node.kind === 'document' || node.kind === 'divider') return this.root;
    if (node.kind === 'field' || node.kind === 'source') return this.documentNodes.get(node.doc);
    return undefined;
  }

  getTreeItem(node: ResultNode): vscode.TreeItem {
    switch (node.kind) {
      case 'query':
        return queryItem(node.session);
      case 'document':
        return this.documentItem(node.doc, node.top);
      case 'divider': {
        const item = new vscode.TreeItem(`Below the top ${node.topK}`);
        item.description = `${node.below} more`;
        item.iconPath = new vscode.ThemeIcon('fold-down', new vscode.ThemeColor('disabledForeground'));
        item.contextValue = 'divider';
        return item;
      }
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
        item.tooltip = `${s.file}: rank ${s.rank}${s.score === undefined ? '' : `, score ${s.score}`} (line ${s.line})`;
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'source';
        item.command = { command: Commands.revealInSource, title: 'Reveal in source', arguments: [node] };
        return item;
      }
    }
  }

  private documentItem(doc: RankedDocument, top: boolean): vscode.TreeItem {
    const item = new vscode.TreeItem(this.labels.get(doc) ?? firstWords(doc.text), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `doc:${String(doc.id)}`;
    item.description = scoreDescription(doc);
    item.iconPath = top
      ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
      : new vscode.ThemeIcon('circle-small-filled', new vscode.ThemeColor('disabledForeground'));
    item.contextValue = top ? 'document.top' : 'document';
    item.tooltip = documentTooltip(doc, top);
    item.accessibilityInformation = {
      label: `${top ? 'Top ' : ''}rank ${doc.rank}, score ${doc.score.toFixed(2)}, was ${doc.originalRank}: ${this.labels.get(doc)}`,
    };
    item.command = { command: Commands.openChunk, title: 'Open chunk', arguments: [{ kind: 'document', doc, top }] };
    return item;
  }
}

function queryItem(session: RerankSession): vscode.TreeItem {
  const item = new vscode.TreeItem(session.query, vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'query';
  item.description = `${shortModelName(session.model)} (${session.dtype}) · ${(session.elapsedMs / 1000).toFixed(2)} s`;
  item.iconPath = new vscode.ThemeIcon('search');
  item.contextValue = 'query';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Query** ${escapeMarkdown(session.query)}\n\n`);
  md.appendMarkdown(`**Model** ${escapeMarkdown(`${session.model} (${session.dtype})`)}\n\n`);
  md.appendMarkdown(`**Files** ${escapeMarkdown(session.fileNames.join(', '))}\n\n`);
  md.appendMarkdown(`${session.documents.length} documents reranked in ${(session.elapsedMs / 1000).toFixed(2)} s; top ${session.topK} set apart.`);
  item.tooltip = md;
  return item;
}

function documentTooltip(doc: RankedDocument, top: boolean): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**#${doc.rank}**${top ? ' (top)' : ''} · id ${escapeMarkdown(String(doc.id))}\n\n`);
  md.appendMarkdown(
    `Score **${doc.score.toFixed(4)}** (raw logit) · sigmoid ${doc.probability.toFixed(4)} · ` +
      `original rank ${doc.originalRank} (${movement(doc.originalRank, doc.rank)})\n\n`,
  );
  // Chunk text is untrusted: escaped, it can never become links, images or HTML (and HTML is off anyway).
  md.appendMarkdown(`${escapeMarkdown(firstWords(doc.text, 400))}\n\n`);
  for (const s of doc.sources) {
    md.appendMarkdown(`- ${escapeMarkdown(`${s.file}: rank ${s.rank}${s.score === undefined ? '' : `, score ${s.score}`}`)}\n`);
  }
  return md;
}

function oneLine(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
