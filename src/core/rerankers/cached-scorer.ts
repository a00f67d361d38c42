/**
 * A scorer behind the score cache: cached scores are reported at once, only the documents without one (each
 * distinct text once) go to the reranker, and what it scored is stored — also when the rerank is cancelled or
 * fails halfway, so the next run starts where this one stopped.
 */
import { DEFAULT_MAX_LENGTH } from '../../shared/model-spec';
import { modelRevision } from '../cache/fingerprint';
import type { ScoreCache, ScoreKey } from '../cache/score-cache';
import { scoreKindOf } from './remote';
import { remoteRevision } from './remote/server-info';
import type { RerankerSpec, RerankScoreKind } from './reranker';
import type { Scored, Scorer } from './scorer';

export function cachedScorer(base: Scorer, spec: RerankerSpec, cache: ScoreCache, log: (line: string) => void = () => undefined): Scorer {
  return async (query, documents, call) => {
    const found = await cacheKey(spec, query, call.signal);
    if ('reason' in found && spec.kind !== 'local') {
      log(`Score cache not used: ${found.reason}.`);
      return base(query, documents, call);
    }
    const key = 'key' in found ? found.key : undefined;
    const known = key ? await cache.lookup(key, documents) : documents.map(() => undefined);

    // Each distinct text without a score is scored once; `owners` maps it back to every document that has it.
    const missing: string[] = [];
    const owners: number[][] = [];
    const slot = new Map<string, number>();
    let priority = 0;
    const hits: number[] = [];
    documents.forEach((text, i) => {
      if (known[i] !== undefined) return void hits.push(i);
      let j = slot.get(text);
      if (j === undefined) {
        j = missing.push(text) - 1;
        owners.push([]);
        slot.set(text, j);
        if (i < (call.priority ?? 0)) priority = j + 1;
      }
      owners[j].push(i);
    });
    if (hits.length) call.onScores?.(hits, hits.map((i) => known[i]!));
    const scores = known.slice() as number[];
    if (missing.length === 0) {
      log(`Score cache: all ${documents.length} scores cached; nothing to score.`);
      return { scores, scoreKind: kindOf(spec, scores), cache: { hits: hits.length, scored: 0 } };
    }
    log(`Score cache: ${hits.length} of ${documents.length} scores cached; scoring ${missing.length}.`);

    const fresh = new Array<number>(missing.length).fill(Number.NaN);
    const record = (indices: readonly number[], values: readonly number[]) => {
      indices.forEach((j, n) => (fresh[j] = values[n]));
      const docs = indices.flatMap((j) => owners[j]);
      call.onScores?.(docs, indices.flatMap((j, n) => owners[j].map(() => values[n])));
    };
    let result: Scored;
    try {
      result = await base(query, missing, {
        ...call,
        priority,
        onScores: record,
        // Progress counts documents: the cached ones are done from the start.
        onProgress: (p) => call.onProgress?.(p.phase === 'score' ? { ...p, done: hits.length + Math.round((p.done / p.total) * (documents.length - hits.length)), total: documents.length } : p),
      });
    } catch (err) {
      // Keep what was scored before the cancel or failure.
      const storeKey = key ?? (await cacheKey(spec, query).then((k) => ('key' in k ? k.key : undefined)));
      const done = missing.flatMap((text, j) => (Number.isFinite(fresh[j]) ? [[text, fresh[j]] as const] : []));
      if (storeKey && done.length) await cache.store(storeKey, done.map(([t]) => t), done.map(([, s]) => s));
      throw err;
    }
    owners.forEach((docs, j) => docs.forEach((i) => (scores[i] = result.scores[j])));
    // A local model downloaded by this very rerank has a revision only now.
    const storeKey = key ?? (await cacheKey(spec, query).then((k) => ('key' in k ? k.key : undefined)));
    if (storeKey) await cache.store(storeKey, documents, scores);
    else log(`Score cache not used: ${'reason' in found ? found.reason : ''}.`);
    return { ...result, scores, scoreKind: hits.length ? kindOf(spec, scores) : result.scoreKind, cache: { hits: hits.length, scored: missing.length } };
  };
}

/** Everything a score depends on besides the document's text; never the API key. */
export async function cacheKey(spec: RerankerSpec, query: string, signal?: AbortSignal): Promise<{ key: ScoreKey } | { reason: string }> {
  if (spec.kind === 'local') {
    const revision = await modelRevision(spec.model);
    if (!revision) return { reason: `the model ${spec.model.model} is not on disk yet` };
    return { key: { reranker: 'local', model: spec.model.model, revision, dtype: spec.model.dtype, maxLength: spec.model.maxLength ?? DEFAULT_MAX_LENGTH, query } };
  }
  const found = await remoteRevision(spec.kind, spec.url, spec.model, spec.apiKey, signal);
  if ('reason' in found) return found;
  // The server truncates to its own model's limit: there is no max length of ours in the key.
  return { key: { reranker: spec.kind, model: spec.model?.trim() ?? '', revision: found.revision, dtype: '', maxLength: 0, query } };
}

function kindOf(spec: RerankerSpec, scores: readonly number[]): RerankScoreKind {
  return spec.kind === 'local' ? 'logit' : scoreKindOf(spec.kind, scores);
}
