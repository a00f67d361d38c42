import { movement, type RankedDocument } from '../core/rerank';

/** First words of a chunk, on one line, cut at a word boundary. */
export function firstWords(text: string, max = 44): string {
  // Only the start matters: flattening every whole text of a 20,000-chunk file would freeze the tree for seconds.
  const head = text.length > 2 * max + 16 ? text.slice(0, 2 * max + 16) : text;
  let flat = head.replace(/\s+/g, ' ').trim();
  if (flat.length <= max && head !== text) flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat || '(empty text)';
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * Titles only tell documents apart when they differ: chunks of one paper all share its title, so then
 * the first words are the better label.
 */
export function documentLabels(docs: readonly RankedDocument[]): Map<RankedDocument, string> {
  const titles = docs.map((d) => (typeof d.metadata.title === 'string' ? d.metadata.title.trim() : ''));
  const distinct = titles.every((t) => t !== '') && new Set(titles).size === titles.length;
  return new Map(docs.map((d, i) => [d, distinct ? titles[i] : firstWords(d.text)]));
}

/** "7.10 ↑2": the raw logit with two decimals and the move against the original rank. */
export function scoreDescription(doc: RankedDocument): string {
  return `${doc.score.toFixed(2)}  ${movement(doc.originalRank, doc.rank)}`;
}

export function shortModelName(model: string): string {
  return model.split(/[\\/]/).filter(Boolean).pop() ?? model;
}

/**
 * Escapes text for a MarkdownString. (`appendText` also escapes, but turns every space into &nbsp;,
 * which stops long chunks from wrapping in hovers.) Newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&:]/g, '\\$&');
}
