/**
 * Multi-query files (Chroma with several query texts, `_msearch`, several spans, pipelines) hold one
 * result set per query. Reranking takes one set from each such file, so several multi-query files are
 * read as parallel searches (set i of each belongs to query i); a file holding a single set takes part
 * in every query with it.
 */
import type { ResultsFile } from './documents';
import { InputError } from './errors';
import { selectResultSet } from './read-results';

/** One query's worth of results: the chosen result set of each file, reranked together. */
export interface QuerySelection {
  /** Which result set of the multi-query files (0-based); absent when every file holds one set. */
  index?: number;
  /** How many result sets the multi-query files hold. */
  of?: number;
  /** The set's label in the first multi-query file ("query 2", "responses[1]", "retrieve (retriever)"). */
  label?: string;
  files: ResultsFile[];
}

/** What a pick of the queries shows for each result set. */
export interface QueryChoice {
  index: number;
  label: string;
  /** The query stored with the set, if the format stores one. */
  query?: string;
  documents: number;
  /** The file the choice was read from (the first multi-query file). */
  file: string;
}

const isMulti = (f: ResultsFile) => f.resultSets.length > 1;

/** The files with result set `index` selected; files holding one set take part with it. */
export function selectQuery(files: readonly ResultsFile[], index: number): QuerySelection {
  const multi = files.filter(isMulti);
  if (multi.length === 0) {
    if (index !== 0) {
      const names = files.map((f) => f.file).join(', ');
      throw new InputError('bad-query', `${names} hold${files.length === 1 ? 's' : ''} one result set; query index ${index} is out of range (0–0).`, files[0]?.file);
    }
    return { files: [...files] };
  }
  return {
    index,
    of: multi[0].resultSets.length,
    label: multi[0].resultSets[index]?.label ?? `set ${index + 1}`,
    files: files.map((f) => (isMulti(f) ? selectResultSet(f, index) : f)),
  };
}

/** One selection per query, to rerank every query of the multi-query files (one for single-set files). */
export function everyQuery(files: readonly ResultsFile[]): QuerySelection[] {
  const multi = files.filter(isMulti);
  if (multi.length === 0) return [selectQuery(files, 0)];
  const count = multi[0].resultSets.length;
  const other = multi.find((f) => f.resultSets.length !== count);
  if (other) {
    throw new InputError(
      'bad-query',
      `${multi[0].file} holds ${count} queries but ${other.file} holds ${other.resultSets.length}, so they are not one search per query; ` +
        'rerank one query at a time by its index.',
      other.file,
    );
  }
  return Array.from({ length: count }, (_, i) => selectQuery(files, i));
}

/** The result sets a pick offers (those of the first multi-query file); empty when no file holds several. */
export function queryChoices(files: readonly ResultsFile[]): QueryChoice[] {
  const first = files.find(isMulti);
  if (!first) return [];
  return first.resultSets.map((set, index) => ({
    index,
    label: set.label ?? `set ${index + 1}`,
    query: set.query,
    documents: set.documents.length,
    file: first.file,
  }));
}

/** The warning for callers that did not pick a query: the first set of each multi-query file is used. */
export function firstQueryWarnings(files: readonly ResultsFile[]): string[] {
  return files.filter(isMulti).map((f) => {
    const labels = f.resultSets.map((s, i) => `${i}: ${s.label ?? `set ${i + 1}`}`).join(', ');
    return `${f.file} holds ${f.resultSets.length} queries (${labels}); using the first. Pick another by its index.`;
  });
}
