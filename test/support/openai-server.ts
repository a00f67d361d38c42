import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for an OpenAI-compatible API (`/v1/chat/completions`, `/v1/models`), so the real
 * `openai` SDK can be driven over HTTP without the internet. Dependency-free (node:http only): it runs
 * in plain Node (unit tests) and in the extension host (integration tests).
 *
 * What a request gets is chosen, first match wins, by:
 *   1. `nextScenario(...)`: one-shot scenarios, consumed in order by the next chat requests;
 *   2. `setScenario(...)`: the scenario for every chat request until changed (`setScenario(undefined)`);
 *   3. the request's model name: `test-model` (and `options.models`) reply normally, `test-<name>` plays
 *      the named scenario (`test-slow`, `test-unauthorized`, `test-rate-limit`, `test-cut`, …), any other
 *      model is a 404 `model_not_found`, like OpenAI.
 * With `options.apiKey` set, a chat request without `Authorization: Bearer <apiKey>` is a 401 first.
 * Error bodies have OpenAI's shape `{"error": {"message", "type", "param", "code"}}` and never echo the key.
 */

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export type ReplyText = string | ((body: ChatRequestBody) => string);

/** How a response ended, from the server's side. */
export type RequestOutcome = 'pending' | 'finished' | 'client-closed' | 'server-cut';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names; includes `authorization` when the client sent one. */
  headers: Record<string, string>;
  /** The parsed JSON body (undefined for no body or invalid JSON). */
  body: ChatRequestBody | undefined;
  /** The scenario kind that answered (`route` for non-chat endpoints). */
  scenario: string;
  /** Updated when the response closes. `client-closed`: the client went away before the response ended. */
  outcome: RequestOutcome;
  /** Resolves with the outcome once the response is closed, whichever side closed it. */
  closed: Promise<RequestOutcome>;
}

interface StreamText {
  /** The answer text; split into word chunks unless `chunks` is given. */
  text?: ReplyText;
  /** Exact content chunks (overrides `text`). */
  chunks?: string[];
  /** Pause before each content chunk, in ms (a "slow stream"). */
  delayMs?: number;
}

export type Scenario =
  /** A normal answer: streamed (SSE) or one JSON object, as the request asks. */
  | ({ kind: 'reply'; finishReason?: string } & StreamText)
  /** 401 invalid_api_key. */
  | { kind: 'unauthorized' }
  /** 403, e.g. a key without access to the project. */
  | { kind: 'forbidden' }
  /** 404 model_not_found for the requested model. */
  | { kind: 'model-not-found' }
  /** 429 with `retry-after` (seconds or an HTTP date; default 1). `quota`: OpenAI's insufficient_quota. */
  | { kind: 'rate-limit'; retryAfter?: number | string; quota?: boolean }
  /** A 5xx (default 500). */
  | { kind: 'server-error'; status?: number }
  /** 400 invalid_request_error with the given message/param/code. */
  | { kind: 'bad-request'; message?: string; param?: string | null; code?: string | null }
  /** Any status; `rawBody` replaces the OpenAI-shaped JSON body (e.g. an HTML or Ollama-style error). */
  | {
      kind: 'error';
      status: number;
      message?: string;
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
      rawBody?: string;
    }
  /**
   * Streams `afterChunks` content chunks (default: half), then cuts: `destroy` (default) resets the
   * socket; `end` ends the HTTP response cleanly but without finish_reason and `[DONE]`.
   */
  | ({ kind: 'cut'; afterChunks?: number; mode?: 'destroy' | 'end' } & StreamText)
  /** Streams `afterChunks` content chunks (default: half), then sends nothing more and keeps the connection open. */
  | ({ kind: 'stall'; afterChunks?: number } & StreamText)
  /** Streams `afterChunks` chunks (default: half), then an SSE `error` payload, as OpenAI does for mid-stream failures. */
  | ({ kind: 'stream-error'; afterChunks?: number; message?: string } & StreamText)
  /** Never answers (not even headers): for timeouts. */
  | { kind: 'hang' };

/** The scenarios that need no parameters, also selectable by model name `test-<name>`. */
export type ScenarioName = Scenario['kind'] | 'slow';

export const DEFAULT_REPLY =
  'Rerank Lens test answer: the first document explains it [1], and the second one adds detail [2].';

/** The models the server knows: these reply normally unless a scenario says otherwise. */
export const REPLY_MODELS = ['test-model'];

export interface OpenAIServerOptions {
  /** Require `Authorization: Bearer <apiKey>` on chat requests (401 otherwise). */
  apiKey?: string;
  /** More model names that reply normally (and are listed by `/v1/models`). */
  models?: string[];
  /** The default answer text for `reply`. */
  replyText?: ReplyText;
}

export interface OpenAIServer {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:45678/v1`. */
  url: string;
  /** The origin without `/v1` (the server answers there too). */
  origin: string;
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[];
  /** The chat-completion requests so far. */
  chatRequests(): RecordedRequest[];
  /** The scenario for all following chat requests (overrides model names); `undefined` clears it. */
  setScenario(scenario: Scenario | ScenarioName | undefined): void;
  /** Queues one-shot scenarios for the next chat requests (before `setScenario`'s). */
  nextScenario(...scenarios: (Scenario | ScenarioName)[]): void;
  /** Alias of `nextScenario` for a single scenario. */
  reply(scenario: Scenario | ScenarioName): void;
  /** Clears scenarios and recorded requests. */
  reset(): void;
  /** Resolves once `count` chat requests have arrived (rejects after `timeoutMs`, default 5000). */
  waitForChatRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

const NAMED: Record<ScenarioName, Scenario> = {
  reply: { kind: 'reply' },
  slow: { kind: 'reply', delayMs: 150 },
  unauthorized: { kind: 'unauthorized' },
  forbidden: { kind: 'forbidden' },
  'model-not-found': { kind: 'model-not-found' },
  'rate-limit': { kind: 'rate-limit' },
  'server-error': { kind: 'server-error' },
  'bad-request': { kind: 'bad-request' },
  error: { kind: 'error', status: 418 },
  cut: { kind: 'cut' },
  stall: { kind: 'stall' },
  'stream-error': { kind: 'stream-error' },
  hang: { kind: 'hang' },
};

function resolveScenario(s: Scenario | ScenarioName): Scenario {
  return typeof s === 'string' ? NAMED[s] : s;
}

export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const queue: Scenario[] = [];
  let current: Scenario | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const replyModels = [...REPLY_MODELS, ...(options.models ?? [])];
  const arrivals: (() => void)[] = [];

  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const pick = (body: ChatRequestBody | undefined): Scenario => {
    const queued = queue.shift();
    if (queued) return queued;
    if (current) return current;
    const model = body?.model ?? '';
    if (replyModels.includes(model)) return { kind: 'reply' };
    const named = /^test-(.+)$/.exec(model)?.[1] as ScenarioName | undefined;
    if (named && named in NAMED) return NAMED[named];
    return { kind: 'model-not-found' };
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, { message: `Test server failure: ${String(err)}`, type: 'server_error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body: ChatRequestBody | undefined;
    try {
      body = raw ? (JSON.parse(raw) as ChatRequestBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let resolveClosed!: (o: RequestOutcome) => void;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers,
      body,
      scenario: 'route',
      outcome: 'pending',
      closed: new Promise((resolve) => (resolveClosed = resolve)),
    };
    res.on('close', () => {
      if (record.outcome === 'pending') record.outcome = res.writableFinished ? 'finished' : 'client-closed';
      resolveClosed(record.outcome);
    });
    requests.push(record);

    const route = path.replace(/^\/v1(?=\/)/, '');
    if (route === '/models' && req.method === 'GET') {
      sendJson(res, 200, {
        object: 'list',
        data: [...replyModels, ...Object.keys(NAMED).map((n) => `test-${n}`)].map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'rerank-lens-test',
        })),
      });
      return;
    }
    if (route !== '/chat/completions' || req.method !== 'POST') {
      sendError(res, 404, { message: `Invalid URL (${req.method ?? 'GET'} ${path})`, type: 'invalid_request_error' });
      return;
    }
    for (const done of arrivals.splice(0)) done();

    if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
      record.scenario = 'unauthorized';
      return unauthorized(res, headers.authorization === undefined);
    }
    if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      record.scenario = 'bad-request';
      sendError(res, 400, {
        message: body ? "Missing required parameter: 'model' or 'messages'." : 'We could not parse the JSON body of your request.',
        type: 'invalid_request_error',
        param: body ? 'model' : null,
        code: body ? 'missing_required_parameter' : null,
      });
      return;
    }
    const scenario = pick(body);
    record.scenario = scenario.kind;
    await play(scenario, body, req, res, record);
  }

  async function play(scenario: Scenario, body: ChatRequestBody, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const model = body.model ?? '';
    switch (scenario.kind) {
      case 'unauthorized':
        return unauthorized(res, false);
      case 'forbidden':
        return sendError(res, 403, {
          message: 'You are not allowed to sample from this model.',
          type: 'invalid_request_error',
          code: 'model_not_allowed',
        });
      case 'model-not-found':
        return sendError(res, 404, {
          message: `The model \`${model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          code: 'model_not_found',
        });
      case 'rate-limit':
        return sendError(
          res,
          429,
          scenario.quota
            ? {
                message: 'You exceeded your current quota, please check your plan and billing details.',
                type: 'insufficient_quota',
                code: 'insufficient_quota',
              }
            : {
                message: `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1.`,
                type: 'requests',
                code: 'rate_limit_exceeded',
              },
          { 'retry-after': String(scenario.retryAfter ?? 1) },
        );
      case 'server-error':
        return sendError(res, scenario.status ?? 500, {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
        });
      case 'bad-request':
        return sendError(res, 400, {
          message: scenario.message ?? "Invalid value for 'temperature': must be between 0 and 2.",
          type: 'invalid_request_error',
          param: scenario.param === undefined ? 'temperature' : scenario.param,
          code: scenario.code === undefined ? 'invalid_value' : scenario.code,
        });
      case 'error':
        if (scenario.rawBody !== undefined) {
          res.writeHead(scenario.status, { 'content-type': 'text/plain', ...scenario.headers }).end(scenario.rawBody);
          return;
        }
        return sendError(
          res,
          scenario.status,
          { message: scenario.message ?? `Error ${scenario.status}`, type: scenario.type ?? 'error', param: scenario.param, code: scenario.code },
          scenario.headers,
        );
      case 'hang':
        return; // the socket stays open until the client gives up or the server closes
      case 'reply':
        return replyNormally(scenario, body, res);
      case 'cut':
      case 'stall':
      case 'stream-error':
        return streamPartially(scenario, body, req, res, record);
    }
  }

  function unauthorized(res: ServerResponse, missing: boolean): void {
    // Like OpenAI, but never quoting any part of the key back.
    sendError(res, 401, {
      message: missing
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth."
        : 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      code: missing ? null : 'invalid_api_key',
    });
  }

  function chunksOf(spec: StreamText, body: ChatRequestBody): string[] {
    if (spec.chunks) return spec.chunks;
    const source = spec.text ?? options.replyText ?? DEFAULT_REPLY;
    const text = typeof source === 'function' ? source(body) : source;
    return text.match(/\S+\s*|\s+/g) ?? [];
  }

  async function replyNormally(scenario: Extract<Scenario, { kind: 'reply' }>, body: ChatRequestBody, res: ServerResponse): Promise<void> {
    const chunks = chunksOf(scenario, body);
    const finishReason = scenario.finishReason ?? 'stop';
    const id = `chatcmpl-test${requests.length}`;
    const model = body.model ?? '';
    const usage = usageOf(body, chunks);
    if (!body.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created: now(),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: chunks.join(''), refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      return;
    }
    const sse = openStream(res, id, model);
    sse.delta({ role: 'assistant', content: '', refusal: null });
    for (const c of chunks) {
      if (scenario.delayMs) await later(scenario.delayMs);
      if (res.destroyed) return;
      sse.delta({ content: c });
    }
    sse.finish(finishReason);
    if (body.stream_options?.include_usage) sse.usage(usage);
    sse.done();
  }

  async function streamPartially(
    scenario: Extract<Scenario, { kind: 'cut' | 'stall' | 'stream-error' }>,
    body: ChatRequestBody,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): Promise<void> {
    const chunks = chunksOf(scenario, body);
    const upTo = Math.min(chunks.length, scenario.afterChunks ?? Math.ceil(chunks.length / 2));
    const sse = openStream(res, `chatcmpl-test${requests.length}`, body.model ?? '');
    sse.delta({ role: 'assistant', content: '', refusal: null });
    for (const c of chunks.slice(0, upTo)) {
      if (scenario.delayMs) await later(scenario.delayMs);
      if (res.destroyed) return;
      sse.delta({ content: c });
    }
    // Let the written chunks reach the client before cutting, so it sees a true partial answer.
    await later(30);
    if (res.destroyed) return;
    if (scenario.kind === 'stall') return;
    if (scenario.kind === 'stream-error') {
      res.write(
        `data: ${JSON.stringify({ error: { message: scenario.message ?? 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`,
      );
      res.end();
      return;
    }
    record.outcome = 'server-cut';
    if (scenario.mode === 'end') res.end();
    else {
      req.socket.destroy();
      res.destroy();
    }
  }

  function openStream(res: ServerResponse, id: string, model: string) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': `req_${id}` });
    res.flushHeaders();
    const created = now();
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_test', choices, ...extra })}\n\n`);
    return {
      delta: (delta: Record<string, unknown>) => chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]),
      finish: (reason: string) => chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: reason }]),
      usage: (usage: unknown) => chunk([], { usage }),
      done: () => res.end('data: [DONE]\n\n'),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const chatRequests = () => requests.filter((r) => r.path.endsWith('/chat/completions') && r.method === 'POST');

  return {
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests,
    setScenario: (s) => {
      current = s === undefined ? undefined : resolveScenario(s);
    },
    nextScenario: (...s) => {
      queue.push(...s.map(resolveScenario));
    },
    reply: (s) => {
      queue.push(resolveScenario(s));
    },
    reset: () => {
      queue.length = 0;
      current = undefined;
      requests.length = 0;
    },
    waitForChatRequests: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`Expected ${count} chat requests, got ${chatRequests().length}.`)), timeoutMs);
        const check = () => {
          if (chatRequests().length >= count) {
            clearTimeout(deadline);
            resolve(chatRequests());
          } else arrivals.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function usageOf(body: ChatRequestBody, chunks: string[]) {
  const words = (body.messages ?? []).reduce((n, m) => n + (typeof m.content === 'string' ? (m.content.match(/\S+/g)?.length ?? 0) : 0), 0);
  const completion = chunks.length;
  return { prompt_tokens: words, completion_tokens: completion, total_tokens: words + completion };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } }, headers);
}
