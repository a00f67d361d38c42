import { noJudgmentsError } from './evaluate';
import { hasRelevant, keyedMetrics, meanMetrics, METRIC_NAMES, queryMetrics, type KeyedMetrics, type Metrics, type MetricName } from './metrics';
import type { Qrels } from './qrels';

/**
 * Overlap@k: how many documents the two top-k lists share, divided by the size of the longer top-k
 * list (so two identical lists shorter than k still overlap 1, not length / k). Two empty lists agree: 1.
 */
export function overlapAtK(a: readonly string[], b: readonly string[], k: number): number {
  const topA = new Set(a.slice(0, k));
  const topB = new Set(b.slice(0, k));
  const size = Math.max(topA.size, topB.size);
  if (size === 0) return 1;
  let common = 0;
  for (const id of topA) if (topB.has(id)) common++;
  return common / size;
}

/**
 * Kendall's tau between two orders over the documents both contain, in the order each gives them.
 * Orders have no ties, so tau-b equals tau-a here: (concordant − discordant) / (n (n − 1) / 2).
 * With fewer than two common documents there is no pair to compare: tau is null.
 */
export function kendallTau(a: readonly string[], b: readonly string[]): { tau: number | null; common: number } {
  const posB = new Map<string, number>();
  b.forEach((id, i) => {
    if (!posB.has(id)) posB.set(id, i);
  });
  const seen = new Set<string>();
  const ranksInB: number[] = [];
  for (const id of a) {
    const j = posB.get(id);
    if (j !== undefined && !seen.has(id)) {
      seen.add(id);
      ranksInB.push(j);
    }
  }
  const n = ranksInB.length;
  if (n < 2) return { tau: null, common: n };
  let score = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) score += ranksInB[i] < ranksInB[j] ? 1 : -1;
  }
  return { tau: score / ((n * (n - 1)) / 2), common: n };
}

export interface QueryDelta {
  id: string;
  before: number;
  after: number;
  /** after − before. */
  delta: number;
}

/** Per-query change of one metric for the queries in both maps, worst first (stable on ties). */
export function perQueryDeltas(
  before: ReadonlyMap<string, Metrics>,
  after: ReadonlyMap<string, Metrics>,
  metric: MetricName,
): QueryDelta[] {
  const out: QueryDelta[] = [];
  for (const [id, b] of before) {
    const a = after.get(id);
    if (a) out.push({ id, before: b[metric], after: a[metric], delta: a[metric] - b[metric] });
  }
  return out.sort((x, y) => x.delta - y.delta);
}

export interface RankingComparison {
  k: number;
  queries: number;
  skipped: string[];
  left: KeyedMetrics;
  right: KeyedMetrics;
  /** Means over the evaluated queries; tau over those with at least two common documents (null if none). */
  overlap: number;
  tau: number | null;
  perQuery: { id: string; left: KeyedMetrics; right: KeyedMetrics; delta: KeyedMetrics; overlap: number; tau: number | null }[];
}

/**
 * Two rankings of the same queries side by side (two rerankers, fp32 vs q8…): metrics of each, their
 * per-query deltas (right − left), overlap@k and Kendall's tau. Queries are those of either side with
 * a relevant judgment; a side that lacks a query ranks nothing for it.
 */
export function compareRankings(
  left: ReadonlyMap<string, readonly string[]>,
  right: ReadonlyMap<string, readonly string[]>,
  qrels: Qrels,
  k: number,
): RankingComparison {
  const ids = [...new Set([...left.keys(), ...right.keys()])];
  const skipped = ids.filter((id) => !hasRelevant(qrels.get(id)));
  const perQuery: RankingComparison['perQuery'] = [];
  const lefts: Metrics[] = [];
  const rights: Metrics[] = [];
  const taus: number[] = [];
  for (const id of ids.filter((q) => hasRelevant(qrels.get(q)))) {
    const a = left.get(id) ?? [];
    const b = right.get(id) ?? [];
    const l = queryMetrics(a, qrels.get(id), k);
    const r = queryMetrics(b, qrels.get(id), k);
    const delta = Object.fromEntries(METRIC_NAMES.map((m) => [m, r[m] - l[m]])) as unknown as Metrics;
    const { tau } = kendallTau(a, b);
    if (tau !== null) taus.push(tau);
    lefts.push(l);
    rights.push(r);
    perQuery.push({ id, left: keyedMetrics(l, k), right: keyedMetrics(r, k), delta: keyedMetrics(delta, k), overlap: overlapAtK(a, b, k), tau });
  }
  if (perQuery.length === 0) throw noJudgmentsError(ids.length);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    k,
    queries: perQuery.length,
    skipped,
    left: keyedMetrics(meanMetrics(lefts), k),
    right: keyedMetrics(meanMetrics(rights), k),
    overlap: mean(perQuery.map((q) => q.overlap)),
    tau: taus.length ? mean(taus) : null,
    perQuery,
  };
}
