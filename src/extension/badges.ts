/**
 * Provenance badges: which input files found a document and at which rank. One slot per file, always in
 * the files' order, so rows line up and "found by all" reads at a glance (no "–" in the row):
 * `D3 S1` (both), `D6 S–` (dense only), `D– S2` (sparse only). Pure (no `vscode`).
 */
import type { MergedDocument } from '../core/documents';
import { markedRank, sourceMarkers } from '../core/source-markers';

export const NOT_FOUND = '–';

export interface Provenance {
  /** The files of the session, in order, and their markers. */
  files: readonly string[];
  markers: ReadonlyMap<string, string>;
}

export function provenance(files: readonly string[]): Provenance {
  return { files, markers: sourceMarkers(files) };
}

/** The best rank a document has in a file (a file may list an id twice), or undefined. */
export function rankIn(doc: Pick<MergedDocument, 'sources'>, file: string): number | undefined {
  const ranks = doc.sources.filter((s) => s.file === file).map((s) => s.rank);
  return ranks.length ? Math.min(...ranks) : undefined;
}

export function foundByAll(doc: Pick<MergedDocument, 'sources'>, p: Provenance): boolean {
  return p.files.every((f) => rankIn(doc, f) !== undefined);
}

/** "D3 S–"; empty with a single file (its rank is the original rank the movement already shows). */
export function provenanceBadges(doc: Pick<MergedDocument, 'sources'>, p: Provenance): string {
  if (p.files.length < 2) return '';
  return p.files
    .map((f) => {
      const marker = p.markers.get(f) ?? '?';
      const rank = rankIn(doc, f);
      return rank === undefined ? `${marker}${NOT_FOUND}` : markedRank(marker, rank);
    })
    .join(' ');
}

/** "D = dense_results.json, S = sparse_results.json" for tooltips and the chunk header. */
export function markerLegend(p: Provenance): string {
  return p.files.map((f) => `${p.markers.get(f) ?? '?'} = ${f}`).join(', ');
}

/** Words for screen readers: "found by dense_results.json at 3 and sparse_results.json at 1". */
export function provenanceWords(doc: Pick<MergedDocument, 'sources'>, p: Provenance): string {
  const found = p.files.flatMap((f) => {
    const rank = rankIn(doc, f);
    return rank === undefined ? [] : [`${f} at ${rank}`];
  });
  if (found.length === 0) return '';
  return `found by ${found.join(' and ')}${p.files.length > 1 && found.length === p.files.length ? ' (all files)' : ''}`;
}
