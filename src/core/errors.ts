/**
 * Errors caused by the user's input (files, queries, model folders). They carry a message that is
 * shown as is: it names the file and, where known, the position. Anything else is a bug.
 */
export type InputErrorCode =
  | 'not-found'
  | 'is-directory'
  | 'unreadable'
  | 'too-large'
  | 'not-utf8'
  | 'empty'
  | 'invalid-json'
  | 'wrong-shape'
  /** A file of another kind than expected, e.g. a TREC run given as qrels. */
  | 'wrong-format'
  /** An id that the file refers to is not defined where it should be (a run's document not in the corpus). */
  | 'unknown-id'
  /** No query has a relevant judgment, so there is nothing to average. */
  | 'no-judgments'
  | 'no-documents'
  | 'bad-query'
  | 'bad-model'
  | 'offline'
  | 'download-failed'
  | 'out-of-memory';

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** 0-based character offset, where known. */
  offset?: number;
}

export class InputError extends Error {
  constructor(
    readonly code: InputErrorCode,
    message: string,
    readonly file?: string,
    readonly position?: SourcePosition,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('Reranking was cancelled.');
    this.name = 'CancelledError';
  }
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof Error && err.name === 'InputError';
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof Error && err.name === 'CancelledError';
}

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset };
}
