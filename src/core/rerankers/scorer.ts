/**
 * The one scorer factory every front end uses (CLI rerank, the editor, evaluation, the chat participant through
 * the engine): a reranker spec in, a `Scorer` out — the local cross-encoder in the scoring worker, or a
 * reranking server — wrapped by the score cache when one is given.
 */
import { CancelledError } from '../errors';
import type { ScoreCache } from '../cache/score-cache';
import type { ScoreManyRequest, ScoreRequest, ScoreResult } from '../scoring/worker-client';
import type { Progress, ScoreTimings } from '../../shared/worker-protocol';
import { cachedScorer } from './cached-scorer';
import { isRemoteRerankError, scoreRemote } from './remote';
import type { LocalReranker, RemoteReranker, RerankerSpec, RerankScoreKind } from './reranker';

export interface ScoreCall {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * Scores as they become known, for progressive results: cached ones first, then each batch (local) or
   * request (remote) as it finishes. Indices are into the documents given.
   */
  onScores?: (indices: readonly number[], scores: readonly number[]) => void;
  /** The first `priority` documents (the highest fused ranks) are scored before the others. */
  priority?: number;
}

export interface Scored {
  /** One score per document, in the order given. */
  scores: number[];
  scoreKind: RerankScoreKind;
  timings?: ScoreTimings;
  /** With a score cache: how many documents it answered and how many were scored. */
  cache?: { hits: number; scored: number };
}

/** Scores documents against a query: what the pipeline calls. */
export type Scorer = (query: string, documents: readonly string[], call: ScoreCall) => Promise<Scored>;

/** The scoring worker as the factory uses it (ScoringWorker is one; the worker has one in its own thread). */
export interface LocalScoring {
  score(request: ScoreRequest): Promise<ScoreResult>;
  /** Many queries' documents in one stream of batches (evaluation). */
  scoreMany(request: ScoreManyRequest): Promise<{ scores: number[][]; timings: ScoreTimings }>;
}

export interface ScorerContext {
  /** The scoring worker, for the local reranker; called on first use (the editor creates it lazily). */
  worker?: () => LocalScoring;
  /** Without one, every document is scored every time. */
  cache?: ScoreCache;
  /** One line per rerank: cache hits and misses, or why the cache was not used. */
  log?: (line: string) => void;
}

export function createScorer(spec: RerankerSpec, context: ScorerContext = {}): Scorer {
  const base = spec.kind === 'local' ? localScorer(spec, context) : remoteScorer(spec);
  return context.cache ? cachedScorer(base, spec, context.cache, context.log) : base;
}

function localScorer(spec: LocalReranker, context: ScorerContext): Scorer {
  return async (query, documents, call) => {
    if (!context.worker) throw new Error('the local reranker needs the scoring worker');
    const result = await context.worker().score({
      model: spec.model,
      query,
      documents: documents.slice(),
      priority: call.priority,
      signal: call.signal,
      onProgress: call.onProgress,
      onScores: call.onScores,
    });
    return { scores: result.scores, scoreKind: 'logit', timings: result.timings };
  };
}

function remoteScorer(spec: RemoteReranker): Scorer {
  return async (query, documents, call) => {
    try {
      const result = await scoreRemote({
        kind: spec.kind,
        url: spec.url,
        model: spec.model,
        apiKey: spec.apiKey,
        limits: spec.limits,
        query,
        documents,
        priority: call.priority,
        signal: call.signal,
        onScores: call.onScores,
        onProgress: (done, total) => call.onProgress?.({ phase: 'score', done, total }),
      });
      return { scores: result.scores, scoreKind: result.scoreKind };
    } catch (err) {
      // One kind of cancel for every front end, whichever reranker was running.
      if (isRemoteRerankError(err) && err.code === 'cancelled') throw new CancelledError();
      throw err;
    }
  };
}
