/**
 * The words of a query worth highlighting in a chunk: lower-cased, without English stop words, found
 * case-insensitively at the start of a word ("size" also marks "sizes", "mixtral" marks "Mixtral_8x7B").
 */

// Function words of English questions (the queries rerankers see); a short list on purpose: a content
// word wrongly dropped is worse than a stop word wrongly kept.
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my of on or our should so than that the their them then there these they this those to was we were ' +
    'what when where which who whom whose why will with would you your about not no yes vs'
  ).split(' '),
);

export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  const terms = words.filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\p{N}/u.test(w)));
  return [...new Set(terms)];
}

export interface TextRange {
  start: number;
  end: number;
}

/** Where the terms occur in `text` (UTF-16 offsets), in order, never overlapping. */
export function findTerms(text: string, terms: readonly string[]): TextRange[] {
  if (terms.length === 0) return [];
  // Longest first, so "mixtral" wins over a shorter term that starts the same way.
  const alternatives = [...terms].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'giu');
  return [...text.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}
