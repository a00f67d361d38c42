/**
 * Messages between the extension host and the results reader (dist/reader.js), a worker of its own:
 * big files are parsed there so the host's event loop stays free, and cancelling terminates it (JSON.parse
 * cannot be interrupted any other way; the reader holds nothing that terminating could corrupt).
 */
import type { ResultsFile, RetrievedDocument } from '../documents';
import { InputError, isInputError, type InputErrorCode, type SourcePosition } from '../errors';
import type { FieldMapping } from '../formats/options';
import type { CallOf, HandlersOf, Progress } from '../../shared/worker-protocol';

export interface ReadParams {
  path: string;
  /** The name messages use. */
  name: string;
  maxBytes?: number;
  fields?: FieldMapping;
  /** The most text and documents per chunk (default CHUNK_LIMITS); tests and the bench change it. */
  chunk?: ChunkLimits;
}

export interface ChunkLimits {
  chars: number;
  documents: number;
}

/** About a megabyte of text, or 2,000 documents with short texts: each deserializes on the host in a few milliseconds. */
export const CHUNK_LIMITS: ChunkLimits = { chars: 1 << 20, documents: 2000 };

/** The file without its documents (every `documents` list is empty); they follow in `chunks` chunks. */
export interface ReadHeader {
  file: ResultsFile;
  chunks: number;
}

/**
 * Documents of one result set, in order. Their texts come joined into one string that the host slices
 * (`texts.slice(ends[i-1], ends[i])`): V8 deserializes it as one large string outside the young
 * generation and the slices point into it, so the host's garbage collector does not copy 50 MB of
 * texts around. Sent as 20,000 separate strings, they did: scavenges of 40–80 ms on the host.
 */
export interface DocumentChunk {
  set: number;
  documents: Omit<RetrievedDocument, 'text'>[];
  texts: string;
  ends: number[];
}

/** The host asks for one chunk at a time, so it deserializes one per event-loop turn, never a backlog. */
export interface ReaderMethods {
  read: [ReadParams, ReadHeader];
  take: [{ chunk: number }, DocumentChunk];
}

export type ReaderCall = CallOf<ReaderMethods>;

export interface ReaderContext {
  progress: (progress: Progress) => void;
}

export type ReaderHandlers = HandlersOf<ReaderMethods, ReaderContext>;

/** An InputError crosses the boundary with its code, file and position; anything else is a bug. */
export type ReaderError =
  | { input: true; code: InputErrorCode; message: string; file?: string; position?: SourcePosition }
  | { input: false; message: string };

export type ReaderResponse =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; result: ReaderMethods[keyof ReaderMethods][1] }
  | { type: 'error'; id: number; error: ReaderError };

/** Progress of a read in percent: the parse up to `parsed`, documents checked up to `checked`, then the transfer. */
export const READ_PERCENT = { parsed: 45, checked: 80 } as const;

export function toReaderError(err: unknown): ReaderError {
  if (isInputError(err)) return { input: true, code: err.code, message: err.message, file: err.file, position: err.position };
  return { input: false, message: err instanceof Error ? err.message : String(err) };
}

export function fromReaderError(error: ReaderError): Error {
  if (error.input) return new InputError(error.code, error.message, error.file, error.position);
  return new Error(`Reading failed: ${error.message}`);
}
