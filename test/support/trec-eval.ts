import type { MetricName } from '../../src/core/eval/metrics';

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

export const TREC_EVAL_NAMES: Record<MetricName, string> = {
  ndcg: 'ndcg_cut_10',
  mrr: 'recip_rank',
  recall: 'recall_10',
  precision: 'P_10',
  hitRate: 'success_10',
  map: 'map',
};
