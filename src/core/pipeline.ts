/**
 * The one rerank pipeline every front end calls (the CLI, the tree, later the chat participant and
 * evaluation): read the results files → choose the query's result sets → merge by id → score against
 * the query → rank. A front end only adapts input, progress and output; the steps are exported so a
 * front end can stop between them (the editor asks which query of a multi-query file to rerank).
 */
import type { MergedDocument, MergedResults, ResultsFile } from './documents';
import { InputError, isInputError } from './errors';
import { reciprocalRankFusion } from './eval/fusion';
import type { FieldMapping } from './formats/options';
import { mergeResults } from './merge';
import { firstQueryWarnings, selectQuery, type QuerySelection } from './queries';
import { readResultsFile } from './read-results';
import { rankByScore, type RankedDocument, type UnscoredDocument } from './rerank';
import type { RerankScoreKind } from './rerankers/reranker';
import type { Scored, Scorer } from './rerankers/scorer';
import type { Progress, ScoreTimings } from '../shared/worker-protocol';
import { progressive } from './progressive';

export type { Scorer } from './rerankers/scorer';

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

/** How to read one file: every result set is kept, whichever the caller later selects. */
export interface ReadRequest {
  maxBytes?: number;
  fields?: FieldMapping;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Reads one file; the default parses it on this thread, the editor reads it in a worker (core/reader). */
export type ReadResults = (source: ResultsSource, request: ReadRequest) => Promise<ResultsFile>;

export interface ReadFilesOptions extends ReadRequest {
  onFileError: FileErrorPolicy;
  read?: ReadResults;
}

export interface FilesRead {
  /** In the order given (the merge order). */
  files: ResultsFile[];
  /** Files that could not be read (only with `onFileError: 'skip'`). */
  failed: InputError[];
}

export interface LoadOptions extends ReadFilesOptions {
  /** Which result set of multi-query files; without it the first, with a warning. */
  queryIndex?: number;
}

export interface LoadedResults extends FilesRead {
  merged: MergedResults;
  /** The query's result sets: `files` holds the selected set of each file. */
  selection: QuerySelection;
}

/** How many of the highest fused ranks are scored first, in batches of their own: the first results to show. */
export const PRIORITY_DOCUMENTS = 16;

/** Progressive results: what is scored so far, ranked, and how much is left. */
export interface PartialRun {
  query: string;
  ranked: RankedDocument[];
  /** Documents still to score. */
  pending: number;
  scoreKind: RerankScoreKind;
}

export interface ScoreOptions {
  /** The query; when empty, the one stored with the selected result sets. */
  query?: string;
  /** From the scorer factory (core/rerankers/scorer): the local worker or a server, through the cache. */
  scorer: Scorer;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** performance.now() when the run began (default: when scoring begins), for `elapsedMs`. */
  startedAt?: number;
  /**
   * Rerank only the first N documents by fused rank (Reciprocal Rank Fusion of the input files, k = 60); the
   * rest come back unscored, in fused order. Default: all.
   */
  maxDocuments?: number;
  /** Progressive results: called as soon as any score is known, then at most every `partialEveryMs`. */
  onPartial?: (partial: PartialRun) => void;
  /** Default 300 ms: re-ranking and redrawing 20,000 rows is not free. */
  partialEveryMs?: number;
  /** How partial scores are read until the scorer says (a remote server decides at the end): default logit. */
  expectedScoreKind?: RerankScoreKind;
}

export type RerankOptions = LoadOptions & ScoreOptions;

export interface RerankRun extends LoadedResults {
  query: string;
  ranked: RankedDocument[];
  /** Documents past `maxDocuments`, in fused order: not reranked. */
  unscored: UnscoredDocument[];
  scoreKind: RerankScoreKind;
  timings?: ScoreTimings;
  cache?: Scored['cache'];
  /** From the first file read to the ranked list. */
  elapsedMs: number;
}

/** Parses on this thread (the CLI's way): no progress to show, as nothing else runs meanwhile. */
const readHere: ReadResults = (source, { maxBytes, fields, signal }) =>
  readResultsFile(source.path, { displayName: source.name, maxBytes, fields, signal });

/** Reads the files (all their result sets); the first failure stops the run under the `fail` policy. */
export async function readFiles(sources: readonly ResultsSource[], options: ReadFilesOptions): Promise<FilesRead> {
  const { read = readHere, onFileError, ...request } = options;
  const settled = await Promise.allSettled(sources.map((s) => read(s, request)));
  const files: ResultsFile[] = [];
  const failed: InputError[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') files.push(result.value);
    else if (isInputError(result.reason) && onFileError === 'skip') failed.push(result.reason);
    else throw result.reason;
  }
  if (files.length === 0) throw failed[0] ?? new InputError('no-documents', 'No results files were given.');
  return { files, failed };
}

/** Merges one query's result sets: the first file's order comes first, later files' text wins (the notebook's rule). */
export function mergeSelection(read: FilesRead, selection: QuerySelection, warnings: string[] = []): LoadedResults {
  const merged = mergeResults(selection.files);
  if (warnings.length) merged.warnings.unshift(...warnings);
  return { ...read, files: selection.files, selection, merged };
}

/** Reads and merges the files, with result set `queryIndex` (default the first) of multi-query files. */
export async function loadResults(sources: readonly ResultsSource[], options: LoadOptions): Promise<LoadedResults> {
  const read = await readFiles(sources, options);
  const implicit = options.queryIndex === undefined ? firstQueryWarnings(read.files) : [];
  return mergeSelection(read, selectQuery(read.files, options.queryIndex ?? 0), implicit);
}

/** Resolves the query (given, else stored with the result sets), scores the merged documents and ranks them. */
export async function scoreLoaded(loaded: LoadedResults, options: ScoreOptions): Promise<RerankRun> {
  const started = options.startedAt ?? performance.now();
  const query = (options.query?.trim() || loaded.merged.query?.trim()) ?? '';
  if (!query) {
    throw new InputError('bad-query', 'The query is empty. Pass a query (or store a "query" in a results file).');
  }
  const order = fusedOrder(loaded);
  const limit = options.maxDocuments !== undefined && options.maxDocuments >= 1 ? Math.min(Math.floor(options.maxDocuments), order.length) : order.length;
  const documents = order.slice(0, limit);
  const unscored = order.slice(limit).map((d, i) => Object.assign({}, d, { fusedRank: limit + i + 1 }));
  const kind = options.expectedScoreKind ?? 'logit';
  const show = (ranked: RankedDocument[], pending: number) => options.onPartial?.({ query, ranked, pending, scoreKind: kind });
  const partial = options.onPartial && progressive(documents, show, options.partialEveryMs ?? 300, kind);
  let scored: Scored;
  try {
    scored = await options.scorer(
      query,
      documents.map((d) => d.text),
      { signal: options.signal, onProgress: options.onProgress, onScores: partial?.add, priority: PRIORITY_DOCUMENTS },
    );
  } finally {
    partial?.stop();
  }
  const { scores, scoreKind, timings, cache } = scored;
  return { ...loaded, query, ranked: rankByScore(documents, scores, scoreKind), unscored, scoreKind, timings, cache, elapsedMs: performance.now() - started };
}

/**
 * The merged documents by Reciprocal Rank Fusion of the selected result sets (core/eval/fusion), ties in merged
 * order: the order documents are scored in (highest first) and cut by `maxDocuments`. One file fuses to itself.
 */
export function fusedOrder(loaded: Pick<LoadedResults, 'files' | 'merged'>): MergedDocument[] {
  const fused = new Map(reciprocalRankFusion(loaded.files.map((f) => f.documents.map((d) => String(d.id)))).map((d) => [d.docId, d.score]));
  const score = (d: MergedDocument) => fused.get(String(d.id)) ?? 0;
  return [...loaded.merged.documents].sort((a, b) => score(b) - score(a) || a.originalRank - b.originalRank);
}

/** The whole pipeline for one query: read, select, merge, score, rank. */
export async function rerankResults(sources: readonly ResultsSource[], options: RerankOptions): Promise<RerankRun> {
  const startedAt = options.startedAt ?? performance.now();
  return scoreLoaded(await loadResults(sources, options), { ...options, startedAt });
}
