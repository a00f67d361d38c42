/**
 * How each real rerank server words its requests, replies and errors, for the loopback servers in
 * rerank-servers.ts. Taken from the servers' own code (see src/core/rerankers/remote/protocols.ts for the
 * files): TEI (axum, `{error, error_type}` bodies, bare 401), the Cohere family as served by vLLM/Infinity
 * (FastAPI, `{detail}` bodies, 422 for validation) and Voyage (`{detail}` bodies).
 */

export type RerankProtocol = 'tei' | 'cohere' | 'voyage';

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is (text/plain) instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export interface ParsedRequest {
  query: string;
  texts: string[];
  /** top_n / top_k; undefined = all. */
  top?: number;
  /** TEI only: whether raw logits were asked for (otherwise sigmoid, as TEI does for one-label models). */
  raw: boolean;
  model?: string;
}

export interface Dialect {
  path: string;
  /** The server's default limit on texts per request (undefined: none enforced). */
  maxTexts?: number;
  unauthorized(): Reply;
  notFound(): Reply;
  /** The request body as the server's deserializer sees it, or its rejection. */
  parse(body: unknown): ParsedRequest | Reply;
  tooMany(count: number, max: number, status: 413 | 422): Reply;
  bodyTooLarge(): Reply;
  overloaded(status: number): Reply;
  serverError(status: number): Reply;
  /** The success reply, `ranked` sorted by score descending. */
  reply(ranked: { index: number; score: number }[], req: ParsedRequest, opts: { listKey: 'results' | 'data'; returnDocuments: boolean }): unknown;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string');

const tei: Dialect = {
  path: '/rerank',
  maxTexts: 32,
  // TEI's auth middleware answers a bare StatusCode::UNAUTHORIZED.
  unauthorized: () => ({ status: 401 }),
  notFound: () => ({ status: 404 }),
  parse(body) {
    const b = (body ?? {}) as Record<string, unknown>;
    const missing = typeof b.query !== 'string' ? 'query' : !isStrings(b.texts) ? 'texts' : undefined;
    if (missing) {
      return { status: 422, text: `Failed to deserialize the JSON body into the target type: missing field \`${missing}\` at line 1 column 2` };
    }
    const texts = b.texts as string[];
    if (texts.length === 0) return { status: 400, body: { error: '`texts` cannot be empty', error_type: 'empty' } };
    return { query: b.query as string, texts, raw: b.raw_scores === true };
  },
  tooMany: (count, max, status) => ({ status, body: { error: `batch size ${count} > maximum allowed batch size ${max}`, error_type: 'validation' } }),
  bodyTooLarge: () => ({ status: 413, text: 'Failed to buffer the request body: length limit exceeded' }),
  overloaded: (status) => ({ status, body: { error: 'Model is overloaded', error_type: 'overloaded' } }),
  serverError: (status) => ({ status, body: { error: 'Inference failed', error_type: 'backend' } }),
  reply: (ranked) => ranked.map(({ index, score }) => ({ index, score })),
};

function fastApiList(body: unknown, topField: 'top_n' | 'top_k'): ParsedRequest | Reply {
  const b = (body ?? {}) as Record<string, unknown>;
  const missing = typeof b.query !== 'string' ? 'query' : !isStrings(b.documents) ? 'documents' : undefined;
  if (missing) return { status: 422, body: { detail: [{ type: 'missing', loc: ['body', missing], msg: 'Field required' }] } };
  const top = b[topField];
  return {
    query: b.query as string,
    texts: b.documents as string[],
    top: typeof top === 'number' && top > 0 ? top : undefined,
    raw: false,
    model: typeof b.model === 'string' ? b.model : undefined,
  };
}

const cohere: Dialect = {
  path: '/v1/rerank',
  maxTexts: 2048, // Infinity's ITEMS_LIMIT; vLLM has none
  unauthorized: () => ({ status: 401, body: { error: 'Unauthorized' } }), // vLLM's AuthenticationMiddleware
  notFound: () => ({ status: 404, body: { detail: 'Not Found' } }),
  parse: (body) => fastApiList(body, 'top_n'),
  tooMany: (count, max, status) => ({
    status,
    body: { detail: [{ type: 'too_long', loc: ['body', 'documents'], msg: `List should have at most ${max} items after validation, not ${count}` }] },
  }),
  bodyTooLarge: () => ({ status: 413, body: { detail: 'Request Entity Too Large' } }),
  overloaded: (status) => ({ status, body: { error: { message: 'The server is overloaded', type: 'ServiceUnavailableError', code: status } } }),
  serverError: (status) => ({ status, body: { error: { message: 'EngineCore encountered an issue', type: 'InternalServerError', code: status } } }),
  reply(ranked, req, { listKey, returnDocuments }) {
    const items = ranked.map(({ index, score }) => ({
      index,
      ...(returnDocuments ? { document: { text: req.texts[index] } } : {}),
      relevance_score: score,
    }));
    return { id: `rerank-${Date.now()}`, model: req.model ?? 'test-reranker', usage: { total_tokens: 1 }, [listKey]: items };
  },
};

const voyage: Dialect = {
  path: '/v1/rerank',
  maxTexts: 1000,
  unauthorized: () => ({ status: 401, body: { detail: 'Provided API key is invalid.' } }),
  notFound: () => ({ status: 404, body: { detail: 'Not Found' } }),
  parse(body) {
    const parsed = fastApiList(body, 'top_k');
    if ('query' in parsed && !parsed.model) return { status: 400, body: { detail: 'Field "model" is required.' } };
    return parsed;
  },
  // Voyage documents its 1,000-document limit but not the status; it answers client errors 400 with {detail}.
  tooMany: (count, max) => ({ status: 400, body: { detail: `The number of documents (${count}) cannot exceed ${max}.` } }),
  bodyTooLarge: () => ({ status: 413, body: { detail: 'Request body too large.' } }),
  overloaded: (status) => ({ status, body: { detail: 'You have exceeded the rate limit.' } }),
  serverError: (status) => ({ status, body: { detail: 'Internal server error.' } }),
  reply: (ranked, req) => ({
    object: 'list',
    data: ranked.map(({ index, score }) => ({ relevance_score: score, index })),
    model: req.model,
    usage: { total_tokens: 1 },
  }),
};

export const DIALECTS: Record<RerankProtocol, Dialect> = { tei, cohere, voyage };
