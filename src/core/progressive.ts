/**
 * Progressive results: collects scores as a scorer reports them and hands the documents scored so far,
 * ranked, to the front end — the first time as soon as any score is known (the top fused-rank documents are
 * scored first), then at most every `everyMs`, since ranking and redrawing 20,000 rows takes a while.
 */
import type { MergedDocument } from './documents';
import { rankByScore, type RankedDocument } from './rerank';
import type { RerankScoreKind } from './rerankers/reranker';

export interface Progressive {
  /** Scores of documents by index (a scorer's `onScores`). */
  add: (indices: readonly number[], scores: readonly number[]) => void;
  /** No more updates (the final ranking takes over). */
  stop: () => void;
}

export function progressive(
  documents: readonly MergedDocument[],
  show: (ranked: RankedDocument[], pending: number) => void,
  everyMs: number,
  kind: RerankScoreKind,
): Progressive {
  const scores = new Float64Array(documents.length).fill(Number.NaN);
  let known = 0;
  let shown = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let last = 0;

  const emit = () => {
    timer = undefined;
    if (stopped) return;
    last = performance.now();
    const docs: MergedDocument[] = [];
    const values: number[] = [];
    scores.forEach((s, i) => {
      if (!Number.isNaN(s)) {
        docs.push(documents[i]);
        values.push(s);
      }
    });
    show(rankByScore(docs, values, kind), documents.length - known);
  };

  return {
    add(indices, values) {
      if (stopped) return;
      indices.forEach((i, n) => {
        if (Number.isNaN(scores[i])) known++;
        scores[i] = values[n];
      });
      if (!shown) {
        shown = true;
        emit();
      } else {
        timer ??= setTimeout(emit, Math.max(0, last + everyMs - performance.now()));
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
