/**
 * Messages between the scoring worker and its clients (the extension host, the CLI). Written as a
 * request → response map: a method's reply type follows from its request at compile time, on both sides.
 */
import type { ModelSpec } from './model-spec';

export type Progress =
  | { phase: 'download'; file: string; loaded: number; total: number; percent: number }
  | { phase: 'load' }
  | { phase: 'score'; done: number; total: number };

export interface ScoreTimings {
  loadMs: number;
  tokenizeMs: number;
  inferenceMs: number;
}

/** Every method the worker serves: `[params, result]`. */
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
export type WorkerCall = { [M in WorkerMethod]: { type: 'call'; id: number; method: M; params: WorkerParams<M> } }[WorkerMethod];

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
export type WorkerHandlers<Context> = {
  [M in WorkerMethod]: (params: WorkerParams<M>, context: Context) => Promise<WorkerResult<M>>;
};
