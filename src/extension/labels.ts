import type { RankedDocument } from '../core/rerank';

/** First words of a chunk, on one line, cut at a word boundary. */
export function firstWords(text: string, max = 44): string {
  const flat = text.replace(/\s+/g, ' ').trim();
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
  const titles = distinctTitles(docs);
  return new Map(docs.map((d) => [d, titles?.get(d) ?? firstWords(d.text)]));
}

/** Each document's title when every document has one and no two share it; else undefined. */
export function distinctTitles<T extends Pick<RankedDocument, 'metadata'>>(docs: readonly T[]): Map<T, string> | undefined {
  const titles = docs.map((d) => (typeof d.metadata.title === 'string' ? d.metadata.title.trim() : ''));
  const distinct = titles.every((t) => t !== '') && new Set(titles).size === titles.length;
  return distinct ? new Map(docs.map((d, i) => [d, titles[i]])) : undefined;
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
