/**
 * Which model a reranking server serves, for the score cache: a cached score may only be reused when it came
 * from the same model. TEI says so itself: `GET /info` → `{model_id, model_sha, model_dtype, …}`
 * (text-embeddings-inference router/src/http/types.rs `Info`; the route sits beside /rerank). A server swapped
 * to another model behind the same URL then gets a new cache key instead of serving old scores.
 * Cohere-compatible and Voyage servers have no such route: their cache key is the URL and the model name the
 * request names (hosted APIs version their model names, e.g. rerank-v3.5), and without a model name nothing is
 * cached.
 */
import { CancelledError } from '../../errors';
import { endpointLabel } from './errors';
import type { RemoteKind } from './protocols';
import { checkedURL } from './score-remote';

const INFO_TIMEOUT_MS = 5000;

/** The model identity to key cached scores by, or why there is none (then nothing is cached). */
export async function remoteRevision(
  kind: RemoteKind,
  url: string,
  model: string | undefined,
  apiKey: string | undefined,
  signal?: AbortSignal,
): Promise<{ revision: string } | { reason: string }> {
  // Checked here too: the cache asks this before anything is scored, so a bad URL must fail as clearly.
  const base = checkedURL(url);
  const endpoint = endpointLabel(base);
  if (kind !== 'tei') {
    return model?.trim() ? { revision: `${endpoint} ${model.trim()}` } : { reason: `no reranker model is set for ${endpoint}, so its scores cannot be told apart from another model's` };
  }
  const info = new URL('info', base);
  const timeout = AbortSignal.timeout(INFO_TIMEOUT_MS);
  try {
    const res = await fetch(info, {
      headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'manual',
    });
    const body = (await res.json().catch(() => undefined)) as { model_id?: unknown; model_sha?: unknown; model_dtype?: unknown } | undefined;
    if (!res.ok || typeof body?.model_id !== 'string') return { reason: `${endpointLabel(info)} did not say which model the server runs (HTTP ${res.status})` };
    const sha = typeof body.model_sha === 'string' ? body.model_sha : 'no-sha';
    const dtype = typeof body.model_dtype === 'string' ? body.model_dtype : '';
    return { revision: `${endpoint} ${body.model_id}@${sha} ${dtype}`.trim() };
  } catch {
    if (signal?.aborted) throw new CancelledError();
    return { reason: `${endpointLabel(info)} did not answer` };
  }
}
