/**
 * The scorer factory for many queries at once (evaluation): the same rerankers and the same score cache as a
 * single rerank, so an evaluation run again scores only the pairs that changed. The local cross-encoder scores
 * what the cache lacks in one stream of batches across queries (scoreMany); a server gets each query in turn.
 */
import type { BatchScorer } from '../eval/pipeline';
import { cacheKey } from './cached-scorer';
import type { RerankerSpec, RerankScoreKind } from './reranker';
import { createScorer, type ScorerContext } from './scorer';

export function createBatchScorer(spec: RerankerSpec, context: ScorerContext = {}): BatchScorer {
  if (spec.kind !== 'local') {
    const one = createScorer(spec, context);
    return async (sets, { signal, onProgress }) => {
      const total = sets.reduce((n, s) => n + s.documents.length, 0);
      const scores: number[][] = [];
      let done = 0;
      let kind: RerankScoreKind = 'probability';
      let cachedPairs = 0;
      for (const set of sets) {
        const out = await one(set.query, set.documents, {
          signal,
          onProgress: (p) => onProgress?.(p.phase === 'score' ? { ...p, done: done + p.done, total } : p),
        });
        if (out.scoreKind === 'logit') kind = 'logit'; // one set outside 0..1 and none of them are probabilities
        scores.push(out.scores);
        cachedPairs += out.cache?.hits ?? 0;
        done += set.documents.length;
      }
      return { scores, scoreKind: spec.kind === 'tei' ? 'logit' : kind, cachedPairs };
    };
  }

  return async (sets, { signal, onProgress }) => {
    if (!context.worker) throw new Error('the local reranker needs the scoring worker');
    const worker = context.worker();
    const { cache, log = () => undefined } = context;
    const first = cache && sets.length ? await cacheKey(spec, sets[0].query, signal) : undefined;
    if (!cache || !first || 'reason' in first) {
      if (first && 'reason' in first) log(`Score cache not used: ${first.reason}.`);
      return { ...(await worker.scoreMany({ model: spec.model, sets, signal, onProgress })), scoreKind: 'logit' };
    }
    // Every set has the key of the first but its own query; only the texts without a score are scored.
    const keys = sets.map((s) => ({ ...first.key, query: s.query }));
    const known = await Promise.all(sets.map((s, i) => cache.lookup(keys[i], s.documents)));
    const missing = sets.map((s, i) => [...new Set(s.documents.filter((_, j) => known[i][j] === undefined))]);
    const total = sets.reduce((n, s) => n + s.documents.length, 0);
    const toScore = missing.reduce((n, m) => n + m.length, 0);
    log(`Score cache: ${total - toScore} of ${total} pairs cached; scoring ${toScore}.`);
    const asked = sets.flatMap((s, i) => (missing[i].length ? [{ index: i, query: s.query, documents: missing[i] }] : []));
    const fresh = asked.length
      ? await worker.scoreMany({
          model: spec.model,
          sets: asked.map(({ query, documents }) => ({ query, documents })),
          signal,
          onProgress: (p) => onProgress?.(p.phase === 'score' ? { ...p, done: total - toScore + p.done, total } : p),
        })
      : undefined;
    const scores = sets.map((_, i) => known[i].slice() as number[]);
    for (const [n, { index }] of asked.entries()) {
      const byText = new Map(missing[index].map((text, j) => [text, fresh!.scores[n][j]]));
      sets[index].documents.forEach((text, j) => (scores[index][j] ??= byText.get(text)!));
      await cache.store(keys[index], sets[index].documents, scores[index]);
    }
    return { scores, timings: fresh?.timings, scoreKind: 'logit', cachedPairs: total - sets.reduce((n, s, i) => n + s.documents.filter((_, j) => known[i][j] === undefined).length, 0) };
  };
}
