import { InputError } from '../errors';
import { mergeInOrder, reciprocalRankFusion, RRF_K } from './fusion';
import { hasRelevant, keyedMetrics, meanMetrics, queryMetrics, type KeyedMetrics, type Metrics } from './metrics';
import type { Qrels } from './qrels';

/** One retriever's rankings: a run file, or one results file per query. */
export interface RankedSource {
  /** Shown in reports: "dense", "bm25", a file name. */
  name: string;
  /** Query id → document ids, best first. */
  rankings: ReadonlyMap<string, readonly string[]>;
}

export interface EvaluationInput {
  /** In the user's order (e.g. the files' order); at least one. */
  sources: readonly RankedSource[];
  qrels: Qrels;
  /** Cut-off of the @k metrics; default 10. */
  k?: number;
  /** RRF constant; default 60. */
  rrfK?: number;
  /**
   * Query id → the reranker's order of that query's candidates, best first. It may cover only the
   * reranked top n: the rest of the input follows in input order. A query it lacks keeps the input order.
   */
  reranked?: ReadonlyMap<string, readonly string[]>;
  /** Report order of queries (e.g. queries.jsonl order); ids it lacks follow in the order first met. */
  queryOrder?: readonly string[];
}

export interface QueryEvaluation {
  id: string;
  input: KeyedMetrics;
  rrf: KeyedMetrics | null;
  reranked: KeyedMetrics | null;
}

/** The `--json` shape of `rerank-lens eval`, plus `rrfK` and the per-source means for the editor's table. */
export interface EvaluationReport {
  /** How many queries were evaluated (those with at least one relevant judgment). */
  queries: number;
  /** Queries met in a source, the reranked map or the qrels without any relevant judgment. */
  skipped: string[];
  k: number;
  /** The merged input (first-appearance order over the sources): the single source when there is one. */
  input: KeyedMetrics;
  /** Reciprocal Rank Fusion of the sources; null with a single source (RRF of one list is that list). */
  rrf: KeyedMetrics | null;
  reranked: KeyedMetrics | null;
  rrfK: number;
  sources: { name: string; metrics: KeyedMetrics }[];
  perQuery: QueryEvaluation[];
}

/**
 * Evaluates every source, their RRF, the merged input and (if given) the reranked order on every
 * query with a relevant judgment. A judged query that a ranking lacks counts as an empty ranking
 * (all zeros, like trec_eval -c), not as skipped: a retriever that finds nothing for a query failed on it.
 */
export function evaluate(options: EvaluationInput): EvaluationReport {
  const { sources, qrels, reranked } = options;
  const k = options.k ?? 10;
  const rrfK = options.rrfK ?? RRF_K;
  if (sources.length === 0) throw new RangeError('evaluate needs at least one source.');
  const ids = queryIds(options);
  const evaluated = ids.filter((id) => hasRelevant(qrels.get(id)));
  if (evaluated.length === 0) throw noJudgmentsError(ids.length);

  const perSource: Metrics[][] = sources.map(() => []);
  const inputs: Metrics[] = [];
  const fused: Metrics[] = [];
  const reorders: Metrics[] = [];
  const perQuery: QueryEvaluation[] = [];
  for (const id of evaluated) {
    const judged = qrels.get(id);
    const lists = sources.map((s) => s.rankings.get(id) ?? []);
    lists.forEach((list, i) => perSource[i].push(queryMetrics(list, judged, k)));
    const input = mergeInOrder(lists);
    const inputMetrics = queryMetrics(input, judged, k);
    inputs.push(inputMetrics);
    let rrf: Metrics | null = null;
    if (sources.length > 1) {
      rrf = queryMetrics(reciprocalRankFusion(lists, rrfK).map((d) => d.docId), judged, k);
      fused.push(rrf);
    }
    let after: Metrics | null = null;
    if (reranked) {
      after = queryMetrics(mergeInOrder([reranked.get(id) ?? [], input]), judged, k);
      reorders.push(after);
    }
    perQuery.push({ id, input: keyedMetrics(inputMetrics, k), rrf: rrf && keyedMetrics(rrf, k), reranked: after && keyedMetrics(after, k) });
  }
  return {
    queries: evaluated.length,
    skipped: ids.filter((id) => !hasRelevant(qrels.get(id))),
    k,
    input: keyedMetrics(meanMetrics(inputs), k),
    rrf: fused.length ? keyedMetrics(meanMetrics(fused), k) : null,
    reranked: reranked ? keyedMetrics(meanMetrics(reorders), k) : null,
    rrfK,
    sources: sources.map((s, i) => ({ name: s.name, metrics: keyedMetrics(meanMetrics(perSource[i]), k) })),
    perQuery,
  };
}

/** Nothing to average: almost always query ids that differ between the run and the qrels. */
export function noJudgmentsError(queriesSeen: number): InputError {
  return new InputError(
    'no-judgments',
    `None of the ${queriesSeen} queries has a relevant judgment (grade > 0) in the qrels, so there is nothing to evaluate. ` +
      'Check that the query ids of the run and of the qrels are the same.',
  );
}

function queryIds({ sources, qrels, reranked, queryOrder }: EvaluationInput): string[] {
  const met = new Set<string>();
  for (const source of sources) for (const id of source.rankings.keys()) met.add(id);
  for (const id of reranked?.keys() ?? []) met.add(id);
  for (const id of qrels.keys()) met.add(id);
  const ordered = (queryOrder ?? []).filter((id) => met.has(id));
  return [...new Set([...ordered, ...met])];
}
