/** One retrieved chunk as read from a results file. */
export interface RetrievedDocument {
  /** The id as written in the file (number or string). Ids compare as strings. */
  id: string | number;
  text: string;
  metadata: Record<string, unknown>;
  /** The retriever's own score, if the file has one (its meaning and direction vary by retriever). */
  score?: number;
  /** 1-based position in its file. */
  rank: number;
  /** Where the document's object starts in its file. */
  line: number;
  column: number;
}

export interface ResultsFile {
  /** The path as the caller named it. */
  file: string;
  /** The query stored in a `{ query, results }` wrapper, if any. */
  query?: string;
  documents: RetrievedDocument[];
  warnings: string[];
}

/** Where a merged document came from. */
export interface DocumentSource {
  file: string;
  rank: number;
  score?: number;
  line: number;
  column: number;
}

/** A document after merging several files by id; text and metadata come from the last file. */
export interface MergedDocument {
  id: string | number;
  text: string;
  metadata: Record<string, unknown>;
  /** 1-based position in the merged input order (first appearance). */
  originalRank: number;
  sources: DocumentSource[];
}

export interface MergedResults {
  documents: MergedDocument[];
  /** The first query stored in any of the files. */
  query?: string;
  warnings: string[];
}
