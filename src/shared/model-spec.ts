/**
 * What names a cross-encoder and how to run it, with the defaults every front end shares (CLI flags,
 * settings, the worker). Pure data: the worker, the CLI and the extension host all import it.
 */

export type Dtype = 'fp32' | 'q8';

export const DTYPES: readonly Dtype[] = ['fp32', 'q8'];

export const DEFAULT_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';
export const DEFAULT_DTYPE: Dtype = 'fp32';
/** Tokens per query/document pair; the model's own limit applies if lower. */
export const DEFAULT_MAX_LENGTH = 512;
/** How many documents count as "the top" (the notebook keeps 3). */
export const DEFAULT_TOP_K = 3;

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

export function isDtype(value: unknown): value is Dtype {
  return value === 'fp32' || value === 'q8';
}
