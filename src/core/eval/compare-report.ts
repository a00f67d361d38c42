import type { RankingComparison } from './compare';
import { METRIC_NAMES, metricKey } from './metrics';
import { escapeMarkdown } from './report';

/** A side-by-side comparison with the names of its two rankings, as `--json` prints it. */
export interface LabeledComparison extends RankingComparison {
  leftLabel: string;
  rightLabel: string;
}

const HEADINGS: Record<(typeof METRIC_NAMES)[number], string> = {
  ndcg: 'nDCG',
  mrr: 'MRR',
  recall: 'Recall',
  precision: 'P',
  hitRate: 'Hit rate',
  map: 'MAP',
};

/**
 * The comparison as Markdown: the means of both rankings and their difference, the agreement between
 * them (overlap@k, Kendall's tau), then the queries whose nDCG@k changed most, worst first.
 */
export function renderComparisonMarkdown(c: LabeledComparison, queryText?: ReadonlyMap<string, string>, maxRows = 20): string {
  const { k } = c;
  const left = escapeMarkdown(c.leftLabel);
  const right = escapeMarkdown(c.rightLabel);
  const out = [`## Side by side: ${left} vs ${right}`, ''];
  out.push(`| Ranking | ${METRIC_NAMES.map((m) => (m === 'map' ? HEADINGS[m] : `${HEADINGS[m]}@${k}`)).join(' | ')} |`);
  out.push(`|---|${METRIC_NAMES.map(() => '---:').join('|')}|`);
  const keys = METRIC_NAMES.map((m) => metricKey(m, k));
  out.push(`| ${left} | ${keys.map((key) => c.left[key].toFixed(3)).join(' | ')} |`);
  out.push(`| ${right} | ${keys.map((key) => c.right[key].toFixed(3)).join(' | ')} |`);
  out.push(`| Δ (right − left) | ${keys.map((key) => signed(c.right[key] - c.left[key])).join(' | ')} |`);
  out.push(
    '',
    `Agreement over ${c.queries} ${c.queries === 1 ? 'query' : 'queries'}: overlap@${k} ${c.overlap.toFixed(3)}, ` +
      `Kendall's tau ${c.tau === null ? 'n/a' : c.tau.toFixed(3)} (mean per query, over the documents both rankings hold).`,
  );
  const ndcg = metricKey('ndcg', k);
  const changed = c.perQuery.filter((q) => Math.abs(q.delta[ndcg]) > 1e-12).sort((a, b) => a.delta[ndcg] - b.delta[ndcg]);
  out.push('', `### Queries whose nDCG@${k} differs (${changed.length})`, '');
  if (changed.length === 0) out.push('The two rankings give every query the same nDCG.');
  else {
    out.push(`| Query | ${left} | ${right} | Δ | overlap@${k} | tau |`, '|---|---:|---:|---:|---:|---:|');
    for (const q of changed.slice(0, maxRows)) {
      const text = queryText?.get(q.id);
      const label = text ? `${escapeMarkdown(q.id)}: ${escapeMarkdown(text)}` : escapeMarkdown(q.id);
      const tau = q.tau === null ? 'n/a' : q.tau.toFixed(3);
      out.push(`| ${label} | ${q.left[ndcg].toFixed(3)} | ${q.right[ndcg].toFixed(3)} | ${signed(q.delta[ndcg])} | ${q.overlap.toFixed(3)} | ${tau} |`);
    }
    if (changed.length > maxRows) out.push('', `…and ${changed.length - maxRows} more.`);
  }
  return out.join('\n') + '\n';
}

function signed(x: number): string {
  const s = x.toFixed(3);
  return x > 0 && s !== '0.000' ? `+${s}` : s === '-0.000' ? '0.000' : s;
}
