import type * as vscode from 'vscode';
import type { ResultsFile } from '../core/documents';
import type { RankedDocument, UnscoredDocument } from '../core/rerank';
import type { RerankScoreKind } from '../core/rerankers/reranker';
import type { Threshold } from '../core/threshold';

/** One finished rerank: what the tree shows and what "Rerank again" and "Export" reuse. */
export interface RerankSession {
  query: string;
  /** The model as configured (hub id or folder, or the server's model name) and its precision ('' for a server). */
  model: string;
  dtype: string;
  /** The reranker that scored, in words: "tiny (fp32)", "TEI at http://gpu-box:8080/rerank". */
  reranker: string;
  /** How to read the scores: raw logits, or a reranking server's 0–1 probabilities. */
  scoreKind: RerankScoreKind;
  files: vscode.Uri[];
  /** Display name (workspace-relative path) of each file, as used in the documents' sources. */
  fileNames: string[];
  /** What each file was read as, in merge order (the query row's tooltip). */
  reads: FileRead[];
  /** For multi-query files: the result set reranked ("Rerank again" keeps it). */
  resultSet?: { index: number; of: number; label: string };
  documents: RankedDocument[];
  /** Past rerankLens.maxDocuments, in fused order: listed apart, not reranked. */
  unscored: UnscoredDocument[];
  /** Progressive results only: documents still being scored (absent once the rerank is done). */
  pending?: number;
  /** The cut (settings topK, minScore, minProbability): re-applied when those settings change. */
  topK: number;
  /** With the score kind: minScore does not apply to probabilities. */
  threshold: Threshold;
  elapsedMs: number;
  warnings: string[];
}

/** One file as read: its detected shape and, for a multi-query file, the size of each result set. */
export interface FileRead {
  file: string;
  /** "Qdrant points", "Chroma query results (JSONL)". */
  shape: string;
  /** Documents in each result set (one entry for a single-set file). */
  sets: number[];
  selected: number;
}

export function fileRead(r: ResultsFile): FileRead {
  return { file: r.file, shape: r.label, sets: r.resultSets.map((s) => s.documents.length), selected: r.selected };
}
