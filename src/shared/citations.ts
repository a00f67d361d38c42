/**
 * Citation markers `[n]` in an answer, one implementation for both sides: the host (which documents an
 * answer cites) and the answer webview (which text becomes a link). Only numbers of documents that exist count.
 */

export type CitationPart = { text: string } | { cite: number };

const MARKER = /\[(\d{1,3})\]/g;

/** Splits text into plain runs and citations of documents 1…documentCount (other `[n]` stay text). */
export function splitCitations(text: string, documentCount: number): CitationPart[] {
  const parts: CitationPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const n = Number(match[1]);
    if (n < 1 || n > documentCount) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ cite: n });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** The citation numbers an answer uses, in order of first appearance. */
export function citationsIn(answer: string, documentCount: number): number[] {
  const seen: number[] = [];
  for (const part of splitCitations(answer, documentCount)) {
    if ('cite' in part && !seen.includes(part.cite)) seen.push(part.cite);
  }
  return seen;
}
