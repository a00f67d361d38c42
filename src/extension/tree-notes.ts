/**
 * What the tree says about where documents came from: each file's detected shape (query row tooltip),
 * each source score with its kind ("distance 0.21 (lower is better)"), and a mark (⚠) on the rows of
 * documents whose files disagree about their text. Strings only (no vscode value imports), so they are unit-tested in Node.
 */
import type * as vscode from 'vscode';
import type { DocumentSource, MergedDocument } from '../core/documents';
import { escapeMarkdown } from './labels';
import type { FileRead, RerankSession } from './session';

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** A source's own score and how to read it; undefined when the file had no score. */
export function sourceScore(s: Pick<DocumentSource, 'score' | 'scoreKind'>): string | undefined {
  if (s.score === undefined) return undefined;
  const kind = s.scoreKind;
  if (!kind) return `score ${s.score}`;
  const better = kind.direction === 'distance' ? 'lower is better' : 'higher is better';
  // Formats that do not name their metric (Qdrant, Pinecone, Milvus): the direction is read from the order of the scores.
  const how = kind.basis === 'order' ? ', judged from their order' : kind.basis === 'assumed' ? ', assumed' : '';
  return `${kind.name} ${s.score} (${better}${how})`;
}

/** "dense.json: rank 2, distance 0.21 (lower is better)". */
export function sourceLine(s: DocumentSource): string {
  const score = sourceScore(s);
  return `${s.file}: rank ${s.rank}${score ? `, ${score}` : ''}`;
}

/** "chroma-query.json: Chroma query results, set 2 of 2 (query 2), 2 documents". */
export function fileLine(read: FileRead, resultSet?: RerankSession['resultSet']): string {
  const count = plural(read.sets[read.selected] ?? 0, 'document');
  if (read.sets.length === 1) return `${read.file}: ${read.shape}, ${count}`;
  const label = resultSet && resultSet.index === read.selected ? ` (${resultSet.label})` : '';
  return `${read.file}: ${read.shape}, set ${read.selected + 1} of ${read.sets.length}${label}, ${count}`;
}

/** The query row tooltip's list of files, each with what it was read as. */
export function filesMarkdown(session: RerankSession): string {
  const lines = session.reads.map((r) => `- ${escapeMarkdown(fileLine(r, session.resultSet))}`);
  return `**Read as**\n\n${lines.join('\n')}\n\n`;
}

/** The mark a document row carries after its badges when its files gave its id different texts. */
export function conflictMarks(doc: MergedDocument): string[] {
  return doc.conflicts?.length ? ['⚠'] : [];
}

/** Says in a document row's tooltip and screen-reader label which files disagree about its text. */
export function markConflict(item: vscode.TreeItem, doc: MergedDocument): void {
  if (!doc.conflicts?.length) return;
  const files = [...new Set(doc.conflicts.map((c) => c.file))];
  const md = item.tooltip as vscode.MarkdownString | undefined;
  md?.appendMarkdown(
    `\n\n**⚠ Texts differ** for this id in ${escapeMarkdown(files.join(', '))}; ` +
      `the text from ${escapeMarkdown(doc.conflicts[doc.conflicts.length - 1].file)} is shown (the later file wins).`,
  );
  const a11y = item.accessibilityInformation;
  if (a11y) item.accessibilityInformation = { ...a11y, label: `${a11y.label}; texts differ in ${files.join(', ')}` };
}
