/**
 * Short markers for the results files of one rerank, derived from their names so that they stay the same
 * whenever the same files are reranked together: dense_results.json → D, sparse_results.json → S.
 * Words every file shares ("results") and generic ones ("hits", "search") do not count; when two files
 * would get the same marker, both get longer ones (Spa / Spl), and as a last resort their position.
 */

const GENERIC = new Set(['results', 'result', 'hits', 'hit', 'retrieval', 'retrieved', 'search', 'output', 'out', 'docs', 'documents', 'chunks']);

function words(name: string): string[] {
  const base = (name.split(/[\\/]/).pop() ?? name).replace(/\.[^.]*$/, '');
  return base
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const initial = (w: string) => w.charAt(0).toUpperCase();
const capitalized = (w: string, n: number) => initial(w) + w.slice(1, n);

/** Marker candidates from the shortest to the longest. */
function candidates(own: string[]): string[] {
  const [first, second] = own;
  const out = [initial(first)];
  if (second) out.push(initial(first) + initial(second));
  for (let n = 2; n <= Math.min(first.length, 4); n++) out.push(capitalized(first, n));
  return out;
}

/** The marker of each file, in the order given (duplicate names share one marker). */
export function sourceMarkers(files: readonly string[]): Map<string, string> {
  const unique = [...new Set(files)];
  const split = unique.map(words);
  const shared = unique.length > 1 ? split.reduce((common, w) => common.filter((x) => w.includes(x))) : [];
  const own = split.map((w, i) => {
    const distinct = w.filter((x) => !shared.includes(x) && !GENERIC.has(x));
    const fallback = w.filter((x) => !GENERIC.has(x));
    return distinct.length ? distinct : fallback.length ? fallback : w.length ? w : [`file${i + 1}`];
  });
  const options = own.map(candidates);
  const level = unique.map(() => 0);
  const pick = (i: number) => options[i][Math.min(level[i], options[i].length - 1)];
  for (let round = 0; round < 8; round++) {
    const groups = new Map<string, number[]>();
    unique.forEach((_, i) => groups.set(pick(i), [...(groups.get(pick(i)) ?? []), i]));
    const clashes = [...groups.values()].filter((g) => g.length > 1);
    if (clashes.length === 0) break;
    for (const g of clashes) for (const i of g) level[i]++;
  }
  const markers = unique.map((_, i) => pick(i));
  // Still equal (e.g. the same file name in two folders): number them by position.
  const result = markers.map((m, i) => (markers.indexOf(m) !== markers.lastIndexOf(m) ? `${options[i][0]}${i + 1}` : m));
  return new Map(unique.map((f, i) => [f, result[i]]));
}

/** "D3": a marker followed by a rank (a marker ending in a digit gets a "#" so the two stay apart: "R1#3"). */
export function markedRank(marker: string, rank: number): string {
  return `${marker}${/\d$/.test(marker) ? '#' : ''}${rank}`;
}
