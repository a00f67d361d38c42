import { join } from 'node:path';
import { ScoreCache } from '../core/cache/score-cache';
import { isRerankerKind, rerankerLabel, type RerankerSpec } from '../core/rerankers/reranker';
import type { BatchScorer } from '../core/eval/pipeline';
import { createBatchScorer } from '../core/rerankers/batch-scorer';
import { createScorer, type LocalScoring, type Scorer } from '../core/rerankers/scorer';
import { UsageError, modelSpecFromArgs, optionalInt, type ModelArgs } from './args';

/** Which reranker scores, and the score cache: for `parseArgs` (rerank and eval). */
export const RERANKER_OPTIONS = {
  reranker: { type: 'string' },
  url: { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;

export const RERANKER_USAGE = `      --reranker local|tei|cohere|voyage
                         who scores: the local cross-encoder (default) or a reranking
                         server: tei (text-embeddings-inference /rerank), cohere (Cohere
                         /v2/rerank, Jina, vLLM /v1/rerank, Infinity), voyage
      --url URL          the server's full rerank endpoint, e.g. http://gpu-box:8080/rerank;
                         its API key is read from RERANK_API_KEY (sent only as a Bearer token);
                         --model then names the server's model (Cohere and Voyage need one)
      --no-cache         score everything again (scores are cached in <cache-dir>/scores)`;

export const MAX_DOCUMENTS_OPTION = { 'max-documents': { type: 'string' } } as const;
export const MAX_DOCUMENTS_USAGE = `      --max-documents N  rerank only the first N documents by fused rank (RRF of the files);
                         the rest are listed as not reranked`;

export interface RerankerArgs extends ModelArgs {
  reranker?: string;
  url?: string;
  'no-cache'?: boolean;
  'max-documents'?: string;
}

export interface ChosenReranker {
  spec: RerankerSpec;
  /** What the report's `model` says: the model as given, or the server's model name, else the endpoint. */
  name: string;
  maxDocuments?: number;
  /** Where scores are cached (`<cache-dir>/scores`), unless --no-cache. */
  cache?: ScoreCache;
  scorer(worker: () => LocalScoring): Scorer;
  /** Many queries at once (eval), through the same cache. */
  batchScorer(worker: () => LocalScoring): BatchScorer;
}

/**
 * The reranker from the command line and RERANK_API_KEY; every mistake is a UsageError. `say` gets one-line
 * notes: cache warnings (a file that cannot be written) and, for eval, how many scores were cached.
 */
export function rerankerFromArgs(values: RerankerArgs, say: (line: string) => void, env: NodeJS.ProcessEnv = process.env): ChosenReranker {
  const kind = values.reranker ?? 'local';
  if (!isRerankerKind(kind)) throw new UsageError(`--reranker must be local, tei, cohere or voyage, got "${kind}".`);
  const { spec: model, name } = modelSpecFromArgs(kind === 'local' ? values : { ...values, model: undefined });
  const maxDocuments = optionalInt(values['max-documents'], '--max-documents');
  let spec: RerankerSpec;
  if (kind === 'local') {
    if (values.url !== undefined) throw new UsageError('--url names a reranking server: add --reranker tei, cohere or voyage.');
    spec = { kind, model };
  } else {
    const local = (['dtype', 'max-length', 'offline'] as const).filter((flag) => values[flag] !== undefined);
    if (local.length) throw new UsageError(`${local.map((f) => `--${f}`).join(', ')} only apply to the local reranker, not to --reranker ${kind}.`);
    if (!values.url?.trim()) throw new UsageError(`--reranker ${kind} needs --url, the server's rerank endpoint (e.g. http://localhost:8080/rerank).`);
    spec = { kind, url: values.url.trim(), model: values.model?.trim() || undefined, apiKey: env.RERANK_API_KEY?.trim() || undefined };
  }
  const shownName = spec.kind === 'local' ? name : (spec.model ?? rerankerLabel(spec));
  // Scores are kept beside the downloaded models, so --cache-dir moves both.
  const cache = values['no-cache'] ? undefined : new ScoreCache(join(model.cacheDir, 'scores'), { warn: (m) => say(`warning: ${m}`) });
  return {
    spec,
    name: shownName,
    maxDocuments,
    cache,
    scorer: (worker) => createScorer(spec, { worker, cache }),
    batchScorer: (worker) => createBatchScorer(spec, { worker, cache, log: say }),
  };
}
