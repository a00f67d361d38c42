import type { Metrics, MetricName } from '../../src/core/eval/metrics';

/** trec_eval -q output: measure → query → value. */
export function readTrecEvalOutput(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const [measure, qid, value] = line.trim().split(/\s+/);
    if (!value) continue;
    if (!out.has(measure)) out.set(measure, new Map());
    out.get(measure)!.set(qid, Number(value));
  }
  return out;
}

const NAMES: Record<MetricName, (k: number) => string> = {
  ndcg: (k) => `ndcg_cut_${k}`,
  mrr: () => 'recip_rank',
  recall: (k) => `recall_${k}`,
  precision: (k) => `P_${k}`,
  hitRate: (k) => `success_${k}`,
  map: () => 'map',
};

/**
 * What trec_eval says for one of our metrics at cut-off k. Its recip_rank has no cut, so MRR@k is
 * its value when the first relevant document is within k (1 / rank ≥ 1 / k), else 0.
 */
export function trecEvalValue(output: Map<string, Map<string, number>>, name: MetricName, k: number, qid: string): number {
  const value = output.get(NAMES[name](k))?.get(qid);
  if (value === undefined) throw new Error(`trec_eval output has no ${NAMES[name](k)} for ${qid}`);
  return name === 'mrr' && value < 1 / k - 5e-5 ? 0 : value;
}

/** Asserts our metrics equal trec_eval's to its 4 printed decimals. */
export function assertMatchesTrecEval(ours: Metrics, output: Map<string, Map<string, number>>, k: number, qid: string, what: string): void {
  for (const name of Object.keys(NAMES) as MetricName[]) {
    const theirs = trecEvalValue(output, name, k, qid);
    if (!(Math.abs(ours[name] - theirs) < 5e-5)) throw new Error(`${what} ${qid} ${name}@${k}: ours ${ours[name]}, trec_eval ${theirs}`);
  }
}
