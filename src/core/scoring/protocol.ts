/**
 * Messages between the extension host (or CLI) and the scoring worker. Both sides import this file,
 * so a change to one side that the other does not understand fails to compile.
 */

export type Dtype = 'fp32' | 'q8';

export const DEFAULT_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

export interface ModelSpec {
  /** A hub id (`Xenova/ms-marco-MiniLM-L-6-v2`) or an absolute path to a local model folder. */
  model: string;
  dtype: Dtype;
  /** Where hub downloads are kept; must be writable. */
  cacheDir: string;
  /** Whether the hub may be contacted when a file is not in the cache. */
  allowRemote: boolean;
  /** Another host that serves models the way the hub does (a mirror, or a test server). */
  remoteHost?: string;
  /** Upper bound on tokens per pair; the model's own limit applies if lower. */
  maxLength?: number;
  /** ONNX Runtime intra-op threads; defaults to the cores available. */
  threads?: number;
}

export type Progress =
  | { phase: 'download'; file: string; loaded: number; total: number; percent: number }
  | { phase: 'load' }
  | { phase: 'score'; done: number; total: number };

export type WorkerErrorCode = 'bad-model' | 'offline' | 'download-failed' | 'out-of-memory' | 'internal';

export type WorkerRequest =
  | { type: 'load'; id: number; model: ModelSpec }
  | { type: 'score'; id: number; model: ModelSpec; query: string; documents: string[]; batchTokens?: number }
  | { type: 'cancel'; id: number }
  | { type: 'dispose' };

export interface ScoreTimings {
  loadMs: number;
  tokenizeMs: number;
  inferenceMs: number;
}

export type WorkerResponse =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'loaded'; id: number; loadMs: number }
  | { type: 'scored'; id: number; scores: number[]; timings: ScoreTimings }
  | { type: 'error'; id: number; code: WorkerErrorCode; message: string }
  | { type: 'cancelled'; id: number }
  | { type: 'disposed' };
