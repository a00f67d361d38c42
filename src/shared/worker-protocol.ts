/**
 * Messages between the scoring worker and its clients (the extension host, the CLI). Written as a
 * request → response map: a method's reply type follows from its request at compile time, on both sides.
 */
import type { ModelSpec } from './model-spec';

export type Progress =
  /** Reading (and parsing) a results file; `percent` only grows. */
  | { phase: 'read'; file: string; percent: number }
  | { phase: 'download'; file: string; loaded: number; total: number; percent: number }
  | { phase: 'load' }
  | { phase: 'score'; done: number; total: number };

export interface ScoreTimings {
  loadMs: number;
  tokenizeMs: number;
  inferenceMs: number;
}

/** A worker's methods, each `[params, result]`: the scoring worker's below, the results reader's in core/reader. */
export type MethodMap<Map> = { [M in keyof Map]: readonly [unknown, unknown] };

/** A call of one of a map's methods, correlated with its replies by `id`. */
export type CallOf<Map extends MethodMap<Map>> = {
  [M in keyof Map & string]: { type: 'call'; id: number; method: M; params: Map[M][0] };
}[keyof Map & string];

/** One handler per method, typed by the map. */
export type HandlersOf<Map extends MethodMap<Map>, Context> = {
  [M in keyof Map]: (params: Map[M][0], context: Context) => Promise<Map[M][1]>;
};

/** Every method the scoring worker serves: `[params, result]`. */
export interface WorkerMethods {
  load: [{ model: ModelSpec }, { loadMs: number }];
  score: [
    { model: ModelSpec; query: string; documents: string[]; batchTokens?: number },
    { scores: number[]; timings: ScoreTimings },
  ];
}

export type WorkerMethod = keyof WorkerMethods;
export type WorkerParams<M extends WorkerMethod> = WorkerMethods[M][0];
export type WorkerResult<M extends WorkerMethod> = WorkerMethods[M][1];

export type WorkerErrorCode = 'bad-model' | 'offline' | 'download-failed' | 'out-of-memory' | 'internal';

/** A call of one method, correlated with its replies by `id`. */
export type WorkerCall = CallOf<WorkerMethods>;

export type WorkerRequest =
  | WorkerCall
  /** Stops the call with this id at its next checkpoint; it then replies `cancelled`. */
  | { type: 'cancel'; id: number }
  /** Releases the model; answered by `disposed` (terminating is only safe after that). */
  | { type: 'dispose' };

export type WorkerResponse =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'result'; id: number; result: WorkerResult<WorkerMethod> }
  | { type: 'error'; id: number; code: WorkerErrorCode; message: string }
  | { type: 'cancelled'; id: number }
  | { type: 'disposed' };

/** What the worker implements: one handler per method, typed by the map. */
export type WorkerHandlers<Context> = HandlersOf<WorkerMethods, Context>;
