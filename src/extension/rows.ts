/**
 * The text of a document's row. Everything that matters sits in the label, in the order a reader scans:
 * the score (a fixed-width column), the movement, the provenance badges, then the title and the start of
 * the text. Not in the description: a tree row's description comes after the label and is the first thing
 * cut at the side bar's default width. Pure (no `vscode`), so the UI test can compute expected rows.
 */
import { movement, type RankedDocument } from '../core/rerank';
import type { RerankScoreKind } from '../core/rerankers/reranker';

/**
 * VS Code's tree find (Ctrl+Alt+F) matches a custom view's rows on their label only, and its default fuzzy
 * match looks at the first 128 characters (fuzzyScore's limit): the label holds the title and the start of
 * the text up to there, so find works on both.
 */
export const FIND_CHARS = 128;
/** Between the parts of a row: an en space, which (unlike "  ") does not collapse into one in the DOM. */
export const GAP = '\u2002';
/**
 * As wide as a digit: pads scores into a column. (A fixed-width column rather than `TreeItemLabel.highlights`
 * on the score: VS Code 1.100 draws a label's own highlights instead of the tree find's matches, so
 * highlighting the score would hide what find matched.)
 */
const FIGURE_SPACE = '\u2007';

/** Logits with two decimals; probabilities with three (a good reranker's cluster near 0 and 1). */
export const scoreText = (score: number, kind: RerankScoreKind = 'logit') => score.toFixed(kind === 'probability' ? 3 : 2);

/** Pads every score of a result to the same width, so the decimal points line up down the rows. */
export function scoreColumn(docs: readonly Pick<RankedDocument, 'score'>[], kind: RerankScoreKind = 'logit'): (score: number) => string {
  let width = 0;
  // A loop, not Math.max(...spread): 20,000 arguments is near the engine's limit for a call.
  for (const d of docs) width = Math.max(width, scoreText(d.score, kind).length);
  return (score) => scoreText(score, kind).padStart(width, FIGURE_SPACE);
}

export interface RowParts {
  /** What leads the row: the score and the movement (reranked order), or the new rank first (original order). */
  lead: string[];
  /** Provenance badges, e.g. "D3 S1". */
  badges: string;
  /** More short marks after the badges (e.g. relevance labels); none today. */
  marks: string[];
  /** Title and text; cut to fit the find limit. */
  text: string;
}

export function rowLabel(p: RowParts): string {
  const head = [...p.lead, p.badges, ...p.marks].filter(Boolean).join(GAP);
  return `${head}${GAP}${fit(p.text, FIND_CHARS - head.length - 1)}`;
}

/** "Title — text…" when titles tell documents apart, else the text; on one line. */
export function rowText(doc: Pick<RankedDocument, 'text'>, title: string | undefined): string {
  const flat = doc.text.replace(/\s+/g, ' ').trim() || '(empty text)';
  return title ? `${title} — ${flat}` : flat;
}

/** The lead of a row in reranked order: "7.10", "↑2". */
export function rerankedLead(doc: RankedDocument, score: (s: number) => string): string[] {
  return [score(doc.score), movement(doc.originalRank, doc.rank)];
}

/** The lead of a row in an original order: its new rank, how far it moved from `before`, its score. */
export function originalLead(doc: RankedDocument, before: number | undefined, score: (s: number) => string): string[] {
  return [`#${doc.rank}`, ...(before === undefined ? [] : [movement(before, doc.rank)]), score(doc.score)];
}

function fit(text: string, max: number): string {
  const room = Math.max(20, max);
  if (text.length <= room) return text;
  const cut = text.slice(0, room - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > room / 2 ? cut.slice(0, space) : cut}…`;
}
