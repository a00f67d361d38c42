/**
 * The evaluation pipeline every front end calls (the CLI, the editor's worker): read the inputs → take
 * each query's candidates (the first `topN` of every run, merged in run order) → score them all with
 * one batched scorer → order by score as trec_eval does → metrics for the sources, RRF and the reranking.
 */
import { CancelledError } from '../errors';
import type { EvalFiles, EvalOutcome, EvalSettings, ScoredDoc } from '../../shared/eval-types';
import type { RerankScoreKind } from '../../shared/reranker-spec';
import type { Progress, ScoreTimings } from '../../shared/worker-protocol';
import { evaluate, type EvaluationReport } from './evaluate';
import { mergeInOrder } from './fusion';
import { documentText, loadEvalData, type EvalData } from './inputs';
import { orderByScore } from './run';

/** Scores many queries' documents at once (the worker's scoreMany): one score list per set. */
export type BatchScorer = (
  sets: { query: string; documents: string[] }[],
  options: { signal?: AbortSignal; onProgress?: (progress: Progress) => void },
) => Promise<{ scores: number[][]; timings?: ScoreTimings; scoreKind?: RerankScoreKind; cachedPairs?: number }>;

export interface QueryCandidates {
  queryId: string;
  query: string;
  docIds: string[];
}

export interface EvaluationOptions {
  /** Absent: the runs are evaluated alone (no model is loaded). */
  scorer?: BatchScorer;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Query id → document ids, best first, for each run. */
export function runRankings(data: EvalData): Map<string, string[]>[] {
  return data.runs.map((run) => new Map([...run.rankings].map(([qid, docs]) => [qid, docs.map((d) => d.docId)])));
}

/** The queries to rerank, in queries-file order, each with the first `topN` documents of every run. */
export function buildCandidates(data: EvalData, topN: number): QueryCandidates[] {
  const rankings = runRankings(data);
  const ids = new Set<string>();
  for (const run of rankings) for (const qid of run.keys()) ids.add(qid);
  const ordered = [...data.queries.keys()].filter((qid) => ids.has(qid));
  return ordered.map((queryId) => ({
    queryId,
    query: data.queries.get(queryId)!.text,
    docIds: mergeInOrder(rankings.map((run) => (run.get(queryId) ?? []).slice(0, topN))),
  }));
}

/** Scores the candidates in one batched call; query id → documents in trec_eval order (score, then id). */
export async function rerankCandidates(
  data: EvalData,
  candidates: readonly QueryCandidates[],
  scorer: BatchScorer,
  options: Omit<EvaluationOptions, 'scorer'> = {},
): Promise<{ reranked: Map<string, ScoredDoc[]>; pairs: number; cachedPairs: number; timings?: ScoreTimings }> {
  const sets = candidates.map((c) => ({ query: c.query, documents: c.docIds.map((id) => documentText(data.corpus.get(id)!)) }));
  const { scores, timings, cachedPairs = 0 } = await scorer(sets, options);
  if (options.signal?.aborted) throw new CancelledError();
  const reranked = new Map<string, ScoredDoc[]>();
  candidates.forEach((c, i) => {
    const scored = c.docIds.map((docId, j) => ({ docId, score: scores[i][j] }));
    const order = orderByScore(scored);
    const byId = new Map(scored.map((d) => [d.docId, d]));
    reranked.set(c.queryId, order.map((id) => byId.get(id)!));
  });
  return { reranked, pairs: sets.reduce((n, s) => n + s.documents.length, 0), cachedPairs, timings };
}

/** Metrics of every run, their RRF, the merged input and (if given) the reranked order. */
export function evaluateData(data: EvalData, settings: EvalSettings, reranked?: ReadonlyMap<string, readonly ScoredDoc[]>): EvaluationReport {
  const rankings = runRankings(data);
  return evaluate({
    sources: data.runs.map((run, i) => ({ name: run.name, rankings: rankings[i] })),
    qrels: data.qrels,
    k: settings.k,
    reranked: reranked && new Map([...reranked].map(([qid, docs]) => [qid, docs.map((d) => d.docId)])),
    queryOrder: [...data.queries.keys()],
  });
}

/**
 * The reranked run to write as a TREC file: the reranked candidates with their scores, then the rest of
 * each query's input (documents past `topN`) in input order with scores below the lowest one, so that
 * trec_eval, ranx or pytrec_eval reading the file evaluate exactly the ranking reported here.
 */
export function completeRun(data: EvalData, reranked: ReadonlyMap<string, readonly ScoredDoc[]>): [string, ScoredDoc[]][] {
  const rankings = runRankings(data);
  return [...reranked].map(([qid, docs]) => {
    const seen = new Set(docs.map((d) => d.docId));
    const rest = mergeInOrder(rankings.map((run) => run.get(qid) ?? [])).filter((id) => !seen.has(id));
    const floor = docs.length ? Math.min(...docs.map((d) => d.score)) : 0;
    return [qid, [...docs, ...rest.map((docId, i) => ({ docId, score: Math.floor(floor) - 1 - i }))]];
  });
}

/** The whole evaluation in one call (the worker's `evaluate` method). */
export async function runEvaluation(files: EvalFiles, settings: EvalSettings, options: EvaluationOptions = {}): Promise<EvalOutcome> {
  const t0 = performance.now();
  const data = await loadEvalData(files, options);
  const readMs = performance.now() - t0;
  let reranked: Map<string, ScoredDoc[]> | undefined;
  let pairs = 0;
  let cachedPairs = 0;
  if (options.scorer) ({ reranked, pairs, cachedPairs } = await rerankCandidates(data, buildCandidates(data, settings.topN), options.scorer, options));
  const scoreMs = performance.now() - t0 - readMs;
  const report = evaluateData(data, settings, reranked);
  const ids = [...report.perQuery.map((q) => q.id), ...report.skipped];
  const queryText = Object.fromEntries(ids.map((id) => [id, data.queries.get(id)?.text ?? '']));
  return {
    report,
    queryText,
    reranked: reranked ? completeRun(data, reranked) : null,
    warnings: data.warnings,
    stats: { pairs, cachedPairs, readMs, scoreMs },
  };
}
