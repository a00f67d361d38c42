/**
 * Messages between the scoring worker and its clients (the extension host, the CLI). Written as a
 * request → response map: a method's reply type follows from its request at compile time, on both sides.
 */
import type { CandidateDocument, EvalFiles, EvalOutcome, EvalSettings } from './eval-types';
import type { ModelSpec } from './model-spec';
import type { RerankerSpec, RerankScoreKind } from './reranker-spec';

export type Progress =
  /** Reading (and parsing) an input file; `percent`, where known, only grows. */
  | { phase: 'read'; file: string; percent?: number }
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

/**
 * Documents sent ahead of their call in `texts` messages of about a megabyte each: one message of 50 MB of
 * texts would hold the sender's thread (the extension host) for a quarter of a second while it is serialized.
 */
export interface StagedTexts {
  staged: number;
}

export interface ScoreParams {
  model: ModelSpec;
  query: string;
  documents: string[] | StagedTexts;
  batchTokens?: number;
  /** The first `priority` documents are scored first, in batches of their own (see CrossEncoder.score). */
  priority?: number;
  /** Send `scores` messages as batches finish (progressive results). */
  partial?: boolean;
}

/** Every method the scoring worker serves: `[params, result]`. */
export interface WorkerMethods {
  load: [{ model: ModelSpec }, { loadMs: number }];
  score: [ScoreParams, { scores: number[]; timings: ScoreTimings }];
  /** Many queries' documents in one stream of length-sorted batches (evaluation): scores per set. */
  scoreMany: [
    { model: ModelSpec; sets: { query: string; documents: string[] }[]; batchTokens?: number },
    { scores: number[][]; timings: ScoreTimings },
  ];
  /**
   * A whole evaluation (read, check, rerank with `reranker` unless absent, metrics) off the caller's thread.
   * With `cacheDir`, scores go through the score cache there: a re-run scores only what changed.
   */
  evaluate: [{ files: EvalFiles; settings: EvalSettings; reranker?: RerankerSpec; cacheDir?: string }, EvalOutcome];
  /** One query of an evaluation: its candidates (each run's top n) scored by `reranker`, as the tree shows them. */
  rerankQuery: [
    { files: EvalFiles; settings: EvalSettings; queryId: string; reranker: RerankerSpec; cacheDir?: string },
    { query: string; documents: CandidateDocument[]; scores: number[]; scoreKind: RerankScoreKind; timings: ScoreTimings },
  ];
}

export type WorkerMethod = keyof WorkerMethods;
export type WorkerParams<M extends WorkerMethod> = WorkerMethods[M][0];
export type WorkerResult<M extends WorkerMethod> = WorkerMethods[M][1];

export type WorkerErrorCode = 'bad-model' | 'offline' | 'download-failed' | 'out-of-memory' | 'bad-input' | 'internal';

/** What a `bad-input` error says about the input: the core's error code, the file and the position. */
export interface InputErrorDetail {
  code: string;
  file?: string;
  position?: { line: number; column: number };
}

/** A call of one method, correlated with its replies by `id`. */
export type WorkerCall = CallOf<WorkerMethods>;

export type WorkerRequest =
  | WorkerCall
  /** The next piece of the documents of call `id` (its `documents` is `{ staged }`), sent before the call. */
  | { type: 'texts'; id: number; texts: string[] }
  /** Stops the call with this id at its next checkpoint; it then replies `cancelled`. */
  | { type: 'cancel'; id: number }
  /** Releases the model; answered by `disposed` (terminating is only safe after that). */
  | { type: 'dispose' };

export type WorkerResponse =
  | { type: 'progress'; id: number; progress: Progress }
  /** Scores that are ready (for `partial` calls): document indices and their scores, a few times a second. */
  | { type: 'scores'; id: number; indices: number[]; scores: number[] }
  | { type: 'result'; id: number; result: WorkerResult<WorkerMethod> }
  | { type: 'error'; id: number; code: WorkerErrorCode; message: string; input?: InputErrorDetail }
  | { type: 'cancelled'; id: number }
  | { type: 'disposed' };

/** What the worker implements: one handler per method, typed by the map. */
export type WorkerHandlers<Context> = HandlersOf<WorkerMethods, Context>;
