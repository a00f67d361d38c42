import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DIALECTS, type Dialect, type ParsedRequest, type RerankProtocol, type Reply } from './rerank-dialects';

/**
 * Loopback servers that speak the real rerank protocols (TEI `/rerank`, the Cohere v2 family as vLLM and
 * Infinity serve it, Voyage `/v1/rerank`), so the remote clients are tested over real HTTP. node:http only.
 *
 * A request goes through, in order: the body limit (413), the path (404) and method (405), the API key
 * (401), the next scenario (see `Scenario`), the body's shape (400/422, as the server words it), the
 * texts-per-request limit (TEI: 422, or 413 like TEI before Feb 2026; Infinity-style: 422; Voyage: 400),
 * then scoring with `scorer` (raw logits; sigmoid unless TEI was asked for raw_scores), sorted by score
 * descending and cut to top_n/top_k. Every request is recorded with its headers, body and how it ended.
 */

export type { RerankProtocol } from './rerank-dialects';

/** Raw logits for each text, in order. */
export type Scorer = (query: string, texts: string[]) => number[] | Promise<number[]>;

export type Scenario =
  /** 429 (or 503) with `Retry-After` (seconds or an HTTP date) unless `retryAfter` is null. */
  | { kind: 'overloaded'; status?: 429 | 503; retryAfter?: number | string | null }
  /** A 5xx in the server's error shape, after `delayMs` (default 0). */
  | { kind: 'server-error'; status?: number; delayMs?: number }
  /** Answers normally after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** Reads the request, then never answers. */
  | { kind: 'hang' }
  /** Destroys the connection: before any response byte, or halfway through the reply body. */
  | { kind: 'cut'; when?: 'before-headers' | 'mid-body' }
  /** A 200 whose body breaks the protocol. */
  | { kind: 'bad-reply'; how: 'not-json' | 'drop-index' | 'duplicate-index' | 'out-of-range' | 'wrong-shape' | 'string-score' }
  /** Any status, JSON body and headers. */
  | { kind: 'status'; status: number; body?: unknown; text?: string; headers?: Record<string, string> };

export type Outcome = 'pending' | 'finished' | 'client-closed' | 'server-cut';

export interface RecordedRerankRequest {
  method: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  bytes: number;
  body: Record<string, unknown> | undefined;
  /** The status sent (0 if none). */
  status: number;
  outcome: Outcome;
  closed: Promise<Outcome>;
}

export interface RerankServerOptions {
  protocol: RerankProtocol;
  /** Default: TEI `/rerank`, Cohere family and Voyage `/v1/rerank`. */
  path?: string;
  /** Require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Texts per request (default: the server's own: TEI 32, Infinity 2048, Voyage 1000). */
  maxTexts?: number;
  /** TEI's status for too many texts: 422 (default, TEI ≥ Feb 2026) or 413 (older TEI). */
  tooManyStatus?: 413 | 422;
  /** Body bytes (default 2,000,000, TEI's --payload-limit). */
  maxBytes?: number;
  scorer?: Scorer;
  /** Cohere family: `results` (default) or `data` (Infinity before 2024-05). */
  listKey?: 'results' | 'data';
  /** Cohere family: include `document: {text}` as vLLM and Jina do. */
  returnDocuments?: boolean;
  /**
   * TEI: what `GET /info` (beside the rerank path) answers, merged over a default for the tiny model; null: 404.
   * The score cache keys TEI scores by its model_id, model_sha and model_dtype.
   */
  info?: Record<string, unknown> | null;
}

export interface RerankServer {
  /** The full endpoint URL. */
  url: string;
  /** TEI: changes to what GET /info says from now on (e.g. another model_sha: a redeployed model). */
  info: Record<string, unknown>;
  origin: string;
  requests: RecordedRerankRequest[];
  /** Most requests handled at the same time so far. */
  maxInFlight: number;
  /** One-shot scenarios for the next requests, in order. */
  nextScenario(...scenarios: Scenario[]): void;
  /** The scenario for every request after the one-shots; undefined clears it. */
  setScenario(scenario: Scenario | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

/** A deterministic stand-in for a cross-encoder: shared words with the query, minus a little per character. */
export const lexicalScorer = (query: string, texts: string[]): number[] => {
  const words = new Set(query.toLowerCase().match(/\w+/g) ?? []);
  return texts.map((t) => (t.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length * 1.5 - 2 - t.length / 1000);
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** TEI's `Info` for a classifier (router/src/http/types.rs), abridged. */
const TEI_INFO = {
  model_id: 'test/tiny-reranker',
  model_sha: '0123456789abcdef0123456789abcdef01234567',
  model_dtype: 'float32',
  model_type: { classifier: { id2label: { '0': 'LABEL_0' }, label2id: { LABEL_0: 0 } } },
  max_concurrent_requests: 512,
  max_input_length: 512,
  max_batch_tokens: 16384,
  max_batch_requests: null,
  max_client_batch_size: 32,
  auto_truncate: true,
  tokenization_workers: 2,
  version: '1.9.0',
  sha: null,
  docker_label: null,
};

export async function startRerankServer(options: RerankServerOptions): Promise<RerankServer> {
  const dialect = DIALECTS[options.protocol];
  const path = options.path ?? dialect.path;
  const maxTexts = options.maxTexts ?? dialect.maxTexts;
  const maxBytes = options.maxBytes ?? 2_000_000;
  const scorer = options.scorer ?? lexicalScorer;
  const queue: Scenario[] = [];
  let standing: Scenario | undefined;
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse, rec: RecordedRerankRequest): Promise<void> => {
    const raw = await readBody(req);
    rec.bytes = raw.length;
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      rec.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>; // recorded even when refused
    } catch {
      rec.body = undefined;
    }
    if (raw.length > maxBytes) return send(res, rec, dialect.bodyTooLarge());
    if (options.protocol === 'tei' && req.method === 'GET' && url.pathname === new URL('info', `http://x${path}`).pathname && options.info !== null) {
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) return send(res, rec, dialect.unauthorized());
      return send(res, rec, { status: 200, body: { ...TEI_INFO, ...api.info } });
    }
    if (url.pathname !== path) return send(res, rec, dialect.notFound());
    if (req.method !== 'POST') return send(res, rec, { status: 405, body: { detail: 'Method Not Allowed' } });
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) return send(res, rec, dialect.unauthorized());
    const scenario = queue.shift() ?? standing;
    switch (scenario?.kind) {
      case 'overloaded': {
        const status = scenario.status ?? 429;
        const after = scenario.retryAfter === undefined ? '1' : scenario.retryAfter === null ? undefined : String(scenario.retryAfter);
        const reply = dialect.overloaded(status);
        return send(res, rec, { ...reply, headers: after === undefined ? {} : { 'retry-after': after } });
      }
      case 'server-error':
        await new Promise((r) => setTimeout(r, scenario.delayMs ?? 0));
        return send(res, rec, dialect.serverError(scenario.status ?? 500));
      case 'status':
        return send(res, rec, scenario);
      case 'hang':
        return;
      case 'cut':
        if (scenario.when !== 'mid-body') return cut(res, rec);
        break;
      case 'slow':
        await new Promise((r) => setTimeout(r, scenario.delayMs));
        break;
    }
    if (rec.body === undefined) return send(res, rec, { status: 400, text: 'Failed to parse the request body as JSON' });
    const parsed = dialect.parse(rec.body);
    if ('status' in parsed) return send(res, rec, parsed);
    if (maxTexts !== undefined && parsed.texts.length > maxTexts) {
      return send(res, rec, dialect.tooMany(parsed.texts.length, maxTexts, options.tooManyStatus ?? 422));
    }
    const body = await reply(dialect, parsed, scorer, options);
    if (scenario?.kind === 'bad-reply') return send(res, rec, { status: 200, ...breakReply(body, scenario.how) });
    if (scenario?.kind === 'cut') {
      const json = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
      res.write(json.slice(0, json.length >> 1));
      return void setTimeout(() => cut(res, rec), 20);
    }
    send(res, rec, { status: 200, body });
  };

  const requests: RecordedRerankRequest[] = [];
  const server = createServer((req, res) => {
    let settle!: (o: Outcome) => void;
    const rec: RecordedRerankRequest = {
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      bytes: 0,
      body: undefined,
      status: 0,
      outcome: 'pending',
      closed: new Promise((r) => (settle = r)),
    };
    requests.push(rec);
    inFlight++;
    api.maxInFlight = Math.max(api.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight--;
      if (rec.outcome === 'pending') rec.outcome = res.writableFinished ? 'finished' : 'client-closed';
      settle(rec.outcome);
    });
    handle(req, res, rec).catch((err: unknown) => send(res, rec, { status: 500, text: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: RerankServer = {
    url: origin + path,
    info: { ...options.info },
    origin,
    requests,
    maxInFlight: 0,
    nextScenario: (...s) => void queue.push(...s),
    setScenario: (s) => void (standing = s),
    reset() {
      queue.length = 0;
      standing = undefined;
      requests.length = 0;
      api.maxInFlight = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}

async function reply(dialect: Dialect, req: ParsedRequest, scorer: Scorer, options: RerankServerOptions): Promise<unknown> {
  const logits = await scorer(req.query, req.texts);
  const scores = options.protocol === 'tei' && req.raw ? logits : logits.map(sigmoid);
  const ranked = scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score);
  return dialect.reply(ranked.slice(0, req.top ?? ranked.length), req, {
    listKey: options.listKey ?? 'results',
    returnDocuments: options.returnDocuments ?? false,
  });
}

function breakReply(body: unknown, how: Extract<Scenario, { kind: 'bad-reply' }>['how']): Omit<Reply, 'status'> {
  if (how === 'not-json') return { text: '<html><body>502 Bad Gateway</body></html>' };
  if (how === 'wrong-shape') return { body: { ok: true } };
  const list = (Array.isArray(body) ? body : ((body as { results?: unknown[]; data?: unknown[] }).results ?? (body as { data: unknown[] }).data)) as Record<string, unknown>[];
  if (how === 'drop-index') list.pop();
  if (how === 'duplicate-index') list[list.length - 1] = { ...list[0] };
  if (how === 'out-of-range') list[0] = { ...list[0], index: list.length + 5 };
  if (how === 'string-score') for (const item of list) for (const k of ['score', 'relevance_score']) if (k in item) item[k] = String(item[k]);
  return { body };
}

function send(res: ServerResponse, rec: RecordedRerankRequest, reply: Reply): void {
  rec.status = reply.status;
  const payload = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  const type = reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(reply.status, { ...(payload ? { 'content-type': type } : {}), 'content-length': String(Buffer.byteLength(payload)), ...reply.headers });
  res.end(payload);
}

function cut(res: ServerResponse, rec: RecordedRerankRequest): void {
  rec.outcome = 'server-cut';
  res.socket?.destroy();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
