/**
 * The one rerank pipeline every front end calls (the CLI, the tree, later the chat participant and
 * evaluation): read the results files → merge by id → score against the query → rank. A front end only
 * adapts input, progress and output.
 */
import type { MergedResults, ResultsFile } from './documents';
import { InputError, isInputError } from './errors';
import { mergeResults } from './merge';
import { readResultsFile } from './read-results';
import { rankByScore, type RankedDocument } from './rerank';
import type { Progress, ScoreTimings } from '../shared/worker-protocol';

/** A results file to read: its path, and the name messages use for it (e.g. workspace-relative). */
export interface ResultsSource {
  path: string;
  name: string;
}

/**
 * What to do when one file cannot be read: `fail` (the CLI: the whole run stops with that file's error) or
 * `skip` (the editor: the other files are still reranked, the failures are returned to be shown).
 */
export type FileErrorPolicy = 'fail' | 'skip';

export interface LoadOptions {
  onFileError: FileErrorPolicy;
  maxBytes?: number;
  /** Reads one file; the default parses it here, a caller may read it elsewhere (a worker). */
  read?: (source: ResultsSource, maxBytes?: number) => Promise<ResultsFile>;
}

export interface LoadedResults {
  files: ResultsFile[];
  merged: MergedResults;
  /** Files that could not be read (only with `onFileError: 'skip'`). */
  failed: InputError[];
}

/** Something that scores documents against a query: the worker client, a remote reranker… */
export type Scorer = (
  query: string,
  documents: string[],
  options: { signal?: AbortSignal; onProgress?: (progress: Progress) => void },
) => Promise<{ scores: number[]; timings?: ScoreTimings }>;

export interface RerankOptions extends LoadOptions {
  /** The query; when empty, the one stored in a results file. */
  query?: string;
  scorer: Scorer;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface RerankRun extends LoadedResults {
  query: string;
  ranked: RankedDocument[];
  timings?: ScoreTimings;
  /** From the first file read to the ranked list. */
  elapsedMs: number;
}

const readFile = (source: ResultsSource, maxBytes?: number) => readResultsFile(source.path, { displayName: source.name, maxBytes });

/** Reads and merges the files; the first file's order comes first, later files' text wins (the notebook's rule). */
export async function loadResults(sources: readonly ResultsSource[], options: LoadOptions): Promise<LoadedResults> {
  const read = options.read ?? readFile;
  const settled = await Promise.allSettled(sources.map((s) => read(s, options.maxBytes)));
  const files: ResultsFile[] = [];
  const failed: InputError[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') files.push(result.value);
    else if (isInputError(result.reason) && options.onFileError === 'skip') failed.push(result.reason);
    else throw result.reason;
  }
  if (files.length === 0) throw failed[0] ?? new InputError('no-documents', 'No results files were given.');
  return { files, merged: mergeResults(files), failed };
}

/** The whole pipeline: load, resolve the query, score, rank. */
export async function rerankResults(sources: readonly ResultsSource[], options: RerankOptions): Promise<RerankRun> {
  const started = performance.now();
  const loaded = await loadResults(sources, options);
  const query = (options.query?.trim() || loaded.merged.query?.trim()) ?? '';
  if (!query) {
    throw new InputError('bad-query', 'The query is empty. Pass a query (or store a "query" in a results file).');
  }
  const documents = loaded.merged.documents;
  const { scores, timings } = await options.scorer(
    query,
    documents.map((d) => d.text),
    { signal: options.signal, onProgress: options.onProgress },
  );
  return { ...loaded, query, ranked: rankByScore(documents, scores), timings, elapsedMs: performance.now() - started };
}
