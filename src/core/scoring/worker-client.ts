import { Worker } from 'node:worker_threads';
import { CancelledError, InputError, type InputErrorCode } from '../errors';
import type { ModelSpec } from '../../shared/model-spec';
import type {
  Progress,
  WorkerMethod,
  WorkerParams,
  WorkerRequest,
  WorkerResponse,
  WorkerResult,
} from '../../shared/worker-protocol';

export interface WorkerClientOptions {
  /** Path to the bundled worker (dist/worker.js). */
  workerPath: string;
  /** Dispose the model and stop the worker after this long without requests (default 5 minutes). */
  idleMs?: number;
}

export interface ScoreRequest {
  model: ModelSpec;
  query: string;
  documents: string[];
  batchTokens?: number;
  /** The first `priority` documents are scored before the others (see CrossEncoder.score). */
  priority?: number;
  onProgress?: (progress: Progress) => void;
  /** Scores as batches finish (a few times a second): document indices and their scores. */
  onScores?: (indices: number[], scores: number[]) => void;
  signal?: AbortSignal;
}

/**
 * Texts above this many characters go to the worker in pieces of about this size (`texts` messages, the
 * thread yielding between them) instead of inside the call: postMessage serializes on the sending thread,
 * ~4-5 ms per MB, so 50 MB in one message held the extension host for ~230 ms.
 */
export const STAGE_CHARS = 1 << 20;

export type ScoreResult = WorkerResult<'score'>;

export interface ScoreManyRequest {
  model: ModelSpec;
  sets: { query: string; documents: string[] }[];
  batchTokens?: number;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

export interface CallOptions {
  onProgress?: (progress: Progress) => void;
  onScores?: (indices: number[], scores: number[]) => void;
  signal?: AbortSignal;
  /** Texts to send ahead of the call in pieces (see STAGE_CHARS); the call's params then say `{ staged }`. */
  stage?: readonly string[];
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (progress: Progress) => void;
  onScores?: (indices: number[], scores: number[]) => void;
  /** Settles with the worker's reply; dispose() waits on it. */
  reply: Promise<unknown>;
}

/**
 * Runs the cross-encoder in a worker thread so the caller's event loop (the extension host's) stays
 * free. A crashed worker is replaced on the next request; an idle one is shut down after `idleMs`.
 */
export class ScoringWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposing: Promise<void> | undefined;

  constructor(private readonly options: WorkerClientOptions) {}

  get busy(): boolean {
    return this.pending.size > 0;
  }

  get alive(): boolean {
    return this.worker !== undefined;
  }

  load(model: ModelSpec, onProgress?: (p: Progress) => void): Promise<{ loadMs: number }> {
    return this.call('load', { model }, { onProgress });
  }

  score(request: ScoreRequest): Promise<ScoreResult> {
    const { model, query, documents, batchTokens, priority, onProgress, onScores, signal } = request;
    const large = totalChars(documents) > STAGE_CHARS;
    const params = { model, query, documents: large ? { staged: documents.length } : documents, batchTokens, priority, partial: onScores !== undefined };
    return this.call('score', params, { onProgress, onScores, signal, stage: large ? documents : undefined });
  }

  /** Scores many queries' documents in one stream of batches (evaluation); scores per set. */
  scoreMany(request: ScoreManyRequest): Promise<WorkerResult<'scoreMany'>> {
    const { model, sets, batchTokens, onProgress, signal } = request;
    return this.call('scoreMany', { model, sets, batchTokens }, { onProgress, signal });
  }

  /** Stops the worker once nothing runs in it: pending requests are cancelled first, never killed mid-run. */
  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    for (const id of this.pending.keys()) this.worker?.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
    await Promise.allSettled([...this.pending.values()].map((p) => p.reply));
    await this.shutdown();
  }

  /** Calls one worker method; the result's type follows from the method (see WorkerMethods). */
  async call<M extends WorkerMethod>(method: M, params: WorkerParams<M>, options: CallOptions = {}): Promise<WorkerResult<M>> {
    const { onProgress, onScores, signal } = options;
    if (signal?.aborted) throw new CancelledError();
    await this.disposing;
    clearTimeout(this.idleTimer);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const onAbort = () => worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const entry = { onProgress, onScores } as Pending;
      entry.reply = new Promise<unknown>((resolve, reject) => Object.assign(entry, { resolve, reject }));
      // Awaited only after the texts are sent: a crash meanwhile must not be an unhandled rejection.
      entry.reply.catch(() => undefined);
      this.pending.set(id, entry);
      if (options.stage) await stageTexts(worker, id, options.stage, signal);
      if (signal?.aborted) throw new CancelledError(); // the worker dropped what was staged on the cancel
      worker.postMessage({ type: 'call', id, method, params } as WorkerRequest);
      // The worker answers a call of method M with WorkerResult<M> (its handler table is typed by the same map).
      return (await entry.reply) as WorkerResult<M>;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
      if (this.pending.size === 0) this.scheduleIdle();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath);
    worker.unref();
    worker.on('message', (message: WorkerResponse) => this.onMessage(message));
    worker.on('error', (err) => this.onCrash(worker, `the scoring worker crashed: ${err.message}`));
    worker.on('exit', (code) => this.onCrash(worker, `the scoring worker exited unexpectedly (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private onMessage(message: WorkerResponse): void {
    if (message.type === 'disposed') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'progress':
        pending.onProgress?.(message.progress);
        return;
      case 'scores':
        pending.onScores?.(message.indices, message.scores);
        return;
      case 'cancelled':
        pending.reject(new CancelledError());
        return;
      case 'error':
        pending.reject(
          message.code === 'internal'
            ? new Error(`Scoring failed: ${message.message}`)
            : message.code === 'bad-input'
              ? new InputError((message.input?.code ?? 'wrong-shape') as InputErrorCode, message.message, message.input?.file, message.input?.position)
              : new InputError(message.code, message.message),
        );
        return;
      case 'result':
        pending.resolve(message.result);
    }
  }

  private onCrash(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new Error(`Scoring failed: ${reason}. It will restart on the next request.`));
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.shutdown(), this.options.idleMs ?? 5 * 60_000);
    this.idleTimer.unref();
  }

  private shutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.pending.size > 0) return Promise.resolve();
    this.disposing ??= (async () => {
      // Release the model inside the worker first; terminating is only safe once it is idle.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        worker.on('message', (m: WorkerResponse) => m.type === 'disposed' && (clearTimeout(timer), resolve()));
        worker.postMessage({ type: 'dispose' } satisfies WorkerRequest);
      });
      this.worker = undefined;
      await worker.terminate();
    })().finally(() => (this.disposing = undefined));
    return this.disposing;
  }
}

function totalChars(texts: readonly string[]): number {
  let n = 0;
  for (const t of texts) n += t.length;
  return n;
}

/** Posts `texts` in pieces of about STAGE_CHARS characters, letting the thread's other work run between them. */
async function stageTexts(worker: Worker, id: number, texts: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  let start = 0;
  while (start < texts.length && !signal?.aborted) {
    let end = start;
    let chars = 0;
    while (end < texts.length && (end === start || chars + texts[end].length <= STAGE_CHARS)) chars += texts[end++].length;
    worker.postMessage({ type: 'texts', id, texts: texts.slice(start, end) } satisfies WorkerRequest);
    start = end;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
