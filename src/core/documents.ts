import type { ShapeId } from './formats/shapes';

export type { ShapeId } from './formats/shapes';

/** similarity: higher is better (cosine, dot, BM25, relevance); distance: lower is better (L2, Chroma, `_distance`). */
export type ScoreDirection = 'similarity' | 'distance';

/** What a retriever's own score means: its name in the file and which way is better. */
export interface ScoreKind {
  /** The field as the source names it: "score", "_score", "distance", "_distance", "relevance"… */
  name: string;
  direction: ScoreDirection;
  /**
   * How the direction was decided: fixed by the format (Chroma returns distances), inferred from the
   * order of the scores in the file (results are written best first; Milvus, Qdrant and Pinecone
   * scores follow the collection's metric, which the result does not name), assumed (one score, or
   * all equal: similarity), or given by the user's mapping.
   */
  basis: 'format' | 'order' | 'assumed' | 'mapping';
}

/** One retrieved chunk as read from a results file. */
export interface RetrievedDocument {
  /** The id as written in the file (number or string), or a hash of the text. Ids compare as strings. */
  id: string | number;
  /** True when the file had no id for this document and `id` is a hash of its text. */
  idDerived?: boolean;
  text: string;
  metadata: Record<string, unknown>;
  /** The retriever's own score, if the file has one (see the result set's `scoreKind`). */
  score?: number;
  /** 1-based position in its result set, as written in the file. */
  rank: number;
  /** Where the document's object starts in its file. */
  line: number;
  column: number;
}

/** The documents retrieved for one query. A file holds one, or several (Chroma, `_msearch`, spans). */
export interface ResultSet {
  /** Where the set is in its file, e.g. `responses[1]` or `span 2 (retriever)`; absent for a single set. */
  label?: string;
  /** The query stored with the set, if the format stores one. */
  query?: string;
  documents: RetrievedDocument[];
  /** Absent when no document has a score. */
  scoreKind?: ScoreKind;
}

export interface ResultsFile {
  /** The path as the caller named it. */
  file: string;
  /** What the content was recognised as, e.g. `qdrant-points`. */
  shape: ShapeId;
  /** The same for people: "read hits.json as Qdrant points (120 documents)". */
  label: string;
  /** The selected result set's query, documents and score kind (the first set unless `queryIndex` says). */
  query?: string;
  documents: RetrievedDocument[];
  scoreKind?: ScoreKind;
  /** Every result set in the file, in file order; `selected` indexes the one copied above. */
  resultSets: ResultSet[];
  selected: number;
  warnings: string[];
}

/** Where a merged document came from. */
export interface DocumentSource {
  file: string;
  rank: number;
  score?: number;
  /** How to read `score`; absent when the file has no scores. */
  scoreKind?: ScoreKind;
  line: number;
  column: number;
}

/** One version of a document's text when files disagree about it. */
export interface TextVersion {
  file: string;
  text: string;
}

/** A document after merging several files by id; text and metadata come from the last file. */
export interface MergedDocument {
  id: string | number;
  idDerived?: boolean;
  text: string;
  metadata: Record<string, unknown>;
  /** 1-based position in the merged input order (first appearance). */
  originalRank: number;
  sources: DocumentSource[];
  /** Present when files gave this id different texts: every version, in merge order (the last one won). */
  conflicts?: TextVersion[];
}

export interface MergedResults {
  documents: MergedDocument[];
  /** The first query stored in any of the files. */
  query?: string;
  warnings: string[];
}
