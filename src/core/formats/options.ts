import type { ScoreDirection } from '../documents';

/** Where the text is looked for, in order, unless the user names a field. */
export const DEFAULT_TEXT_FIELDS: readonly string[] = ['text', 'page_content', 'content', 'chunk', 'body', 'passage', 'document'];

/**
 * The user's mapping for files the detection does not read right (CLI --results-path, --id-field,
 * --text-field, --score-field; the `rerankLens.fields` setting). Paths are dot paths: `results` and
 * `hits.hits` from the top of the file, the others from each item (`payload.body`, `_source.title`).
 * A mapped path that matches nothing is an error, never a silent fallback.
 */
export interface FieldMapping {
  resultsPath?: string;
  idField?: string;
  textField?: string;
  scoreField?: string;
  /** Overrides the score direction (which the format or the order of the scores decides otherwise). */
  scoreDirection?: ScoreDirection;
  /** Replaces DEFAULT_TEXT_FIELDS. */
  textFields?: readonly string[];
}

export interface ParseProgress {
  /** Documents read so far, across every result set. */
  done: number;
  total: number;
}

export interface ParseOptions {
  fields?: FieldMapping;
  /**
   * Which result set of a multi-query file becomes `documents` (0-based; default 0, silently: choosing
   * and saying so is the caller's business, see core/queries).
   */
  queryIndex?: number;
  /** Called every `progressEvery` documents, so a worker can report. */
  onProgress?: (progress: ParseProgress) => void;
  /** Checked every `progressEvery` documents (and every few MB of JSONL): parsing stops with CancelledError. */
  signal?: AbortSignal;
  progressEvery?: number;
}
