import type { RankedDocument } from '../core/rerank';

/** First words of a chunk, on one line, cut at a word boundary. */
export function firstWords(text: string, max = 44): string {
  // Whitespace runs become one space, walking only as far as the label reaches: flattening every whole
  // text of a 20,000-chunk file with a regular expression froze the tree for seconds.
  let flat = '';
  let gap = false;
  for (let i = 0; i < text.length && flat.length <= max; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      gap = flat !== '';
    } else {
      if (gap) flat += ' ';
      gap = false;
      flat += text[i];
    }
  }
  if (flat.length <= max) return flat || '(empty text)';
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** What `\s` matches in a regular expression. */
function isSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
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
