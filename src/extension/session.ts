import type * as vscode from 'vscode';
import type { RankedDocument } from '../core/rerank';
import type { Threshold } from '../core/threshold';

/** One finished rerank: what the tree shows and what "Rerank again" and "Export" reuse. */
export interface RerankSession {
  query: string;
  /** The model as configured (hub id or folder) and its precision. */
  model: string;
  dtype: string;
  files: vscode.Uri[];
  /** Display name (workspace-relative path) of each file, as used in the documents' sources. */
  fileNames: string[];
  documents: RankedDocument[];
  /** The cut (settings topK, minScore, minProbability): re-applied when those settings change. */
  topK: number;
  threshold: Threshold;
  elapsedMs: number;
  warnings: string[];
}
