import { movement, type RankedDocument } from '../core/rerank';
import { scoreKindWords } from '../core/rerankers/reranker';
import { applyCut, describeThreshold, hasThreshold, type Cut } from '../core/threshold';

/**
 * A plain-text table for terminals: rank, score, movement, id, sources and the start of the text, for the
 * documents that clear the cut; with a threshold, a last line says how many were cut.
 */
export function formatTable(query: string, reranker: string, ranked: readonly RankedDocument[], cut: Cut, seconds: number): string {
  const { kept: shown, belowThreshold } = applyCut(ranked, cut);
  const probabilities = cut.scoreKind === 'probability';
  const width = Math.max(60, Math.min(process.stdout.columns ?? 120, 160));
  const rows = shown.map((d) => ({
    rank: String(d.rank),
    score: d.score.toFixed(probabilities ? 3 : 2),
    move: movement(d.originalRank, d.rank),
    id: String(d.id),
    from: d.sources.map((s) => `${basename(s.file)}#${s.rank}`).join(' '),
    text: d.text.replace(/\s+/g, ' ').trim(),
  }));
  const head = { rank: '#', score: probabilities ? 'prob.' : 'score', move: 'moved', id: 'id', from: 'from', text: 'text' };
  const cols = ['rank', 'score', 'move', 'id', 'from'] as const;
  const w = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((r) => r[c].length))]));
  const line = (r: typeof head) => {
    const left = cols.map((c) => (c === 'from' || c === 'id' ? r[c].padEnd(w[c]) : r[c].padStart(w[c]))).join('  ');
    const room = Math.max(10, width - left.length - 2);
    return `${left}  ${r.text.length > room ? r.text.slice(0, room - 1) + '…' : r.text}`;
  };
  return [
    `Query: ${query}`,
    `Reranker: ${reranker} · ${ranked.length} documents · ${seconds.toFixed(2)} s · scores are ${scoreKindWords(cut.scoreKind ?? 'logit')}`,
    '',
    line(head),
    ...rows.map(line),
    ...(hasThreshold(cut)
      ? ['', `Kept ${shown.length} of ${ranked.length}${cut.topK === undefined ? '' : ` (top ${cut.topK})`}; ${belowThreshold.length} below the threshold (${describeThreshold(cut)}).`]
      : []),
    '',
  ].join('\n');
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
