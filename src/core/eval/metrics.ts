/**
 * Retrieval metrics with pinned definitions, as trec_eval 10.0 computes them (usnistgov/trec_eval,
 * m_ndcg_cut.c, m_P.c, m_recall.c, m_recip_rank.c, m_success.c, m_map.c):
 * - a document is relevant when its grade is > 0; documents without a judgment are not relevant;
 * - nDCG@k: linear gain, grade / log2(rank + 1), over the top k, divided by the DCG@k of the ideal
 *   ranking built from ALL judged grades of the query, retrieved or not (trec_eval `ndcg_cut.k`);
 * - MRR@k: 1 / rank of the first relevant document within the top k, else 0 (trec_eval's
 *   `recip_rank` is not cut; it equals MRR@k when the list is no longer than k);
 * - recall@k: relevant documents in the top k / all relevant judged documents (`recall.k`);
 * - precision@k: relevant documents in the top k / k, even when fewer than k were retrieved (`P.k`);
 * - hit rate@k: 1 if any relevant document is in the top k, else 0 (`success.k`);
 * - MAP: average precision over the WHOLE ranking, not cut at k, divided by all relevant judged
 *   documents (`map`).
 * A document listed twice counts once, at its first position (trec_eval refuses such runs).
 */
export interface Metrics {
  ndcg: number;
  mrr: number;
  recall: number;
  precision: number;
  hitRate: number;
  map: number;
}

export const METRIC_NAMES = ['ndcg', 'mrr', 'recall', 'precision', 'hitRate', 'map'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Judgments of one query: document id → grade. */
export type Judgments = ReadonlyMap<string, number>;

/** The metrics of one ranked list of document ids against its query's judgments. */
export function queryMetrics(ranking: readonly string[], judged: Judgments | undefined, k: number): Metrics {
  checkK(k);
  const grades = judged ?? new Map<string, number>();
  const seen = new Set<string>();
  let numRel = 0;
  for (const grade of grades.values()) if (grade > 0) numRel++;

  let dcg = 0;
  let relInK = 0;
  let firstRel = 0;
  let relSoFar = 0;
  let precisionSum = 0;
  ranking.forEach((id, i) => {
    if (seen.has(id)) return;
    seen.add(id);
    const grade = grades.get(id) ?? 0;
    if (grade <= 0) return;
    relSoFar++;
    precisionSum += relSoFar / (i + 1);
    if (i < k) {
      dcg += grade / Math.log2(i + 2);
      relInK++;
      if (firstRel === 0) firstRel = i + 1;
    }
  });
  const idcg = idealDcg(grades, k);
  return {
    ndcg: idcg > 0 ? dcg / idcg : 0,
    mrr: firstRel > 0 ? 1 / firstRel : 0,
    recall: numRel > 0 ? relInK / numRel : 0,
    precision: relInK / k,
    hitRate: relInK > 0 ? 1 : 0,
    map: numRel > 0 ? precisionSum / numRel : 0,
  };
}

/** Whether a query has a relevant judgment; queries without one are skipped, not averaged. */
export function hasRelevant(judged: Judgments | undefined): boolean {
  if (!judged) return false;
  for (const grade of judged.values()) if (grade > 0) return true;
  return false;
}

/** The mean of each metric over the evaluated queries. */
export function meanMetrics(list: readonly Metrics[]): Metrics {
  if (list.length === 0) throw new RangeError('meanMetrics needs at least one query.');
  const sum: Metrics = { ndcg: 0, mrr: 0, recall: 0, precision: 0, hitRate: 0, map: 0 };
  for (const m of list) for (const name of METRIC_NAMES) sum[name] += m[name];
  for (const name of METRIC_NAMES) sum[name] /= list.length;
  return sum;
}

/** The keys printed in reports and `--json`: `ndcg@10`, `mrr@10`, `recall@10`, `precision@10`, `hit_rate@10`, `map`. */
export function metricKey(name: MetricName, k: number): string {
  if (name === 'map') return 'map';
  return `${name === 'hitRate' ? 'hit_rate' : name}@${k}`;
}

export type KeyedMetrics = Record<string, number>;

export function keyedMetrics(m: Metrics, k: number): KeyedMetrics {
  const out: KeyedMetrics = {};
  for (const name of METRIC_NAMES) out[metricKey(name, k)] = m[name];
  return out;
}

function idealDcg(grades: Judgments, k: number): number {
  const best = [...grades.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, best.length); i++) idcg += best[i] / Math.log2(i + 2);
  return idcg;
}

function checkK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}.`);
}
