import { Worker } from 'node:worker_threads';
import type { ResultsFile, RetrievedDocument } from '../documents';
import { CancelledError, InputError } from '../errors';
import type { ReadRequest, ResultsSource } from '../pipeline';
import type { Progress } from '../../shared/worker-protocol';
import { fromReaderError, READ_PERCENT, type ChunkLimits, type ReaderCall, type ReaderMethods, type ReaderResponse } from './protocol';

export interface WorkerReadOptions extends ReadRequest {
  /** Path to the bundled reader (dist/reader.js). */
  workerPath: string;
  /** Sees the worker once it is started (tests watch it exit). */
  onWorker?: (worker: Worker) => void;
  /** How much is handed back per message (default CHUNK_LIMITS). */
  chunk?: ChunkLimits;
}

/**
 * Reads one results file in a worker of its own (the pipeline's `read` hook in the editor): the parse
 * runs off the caller's thread, the documents come back a chunk per event-loop turn, and aborting
 * terminates the worker, which stops even a JSON.parse halfway. One worker per file, gone when done.
 */
export async function readInWorker(source: ResultsSource, options: WorkerReadOptions): Promise<ResultsFile> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new CancelledError();
  // A self-contained bundle: the parent's flags are not for it (under a loader such as tsx, inheriting them
  // made every read keep this thread busy for as long as the read took).
  const worker = new Worker(options.workerPath, { execArgv: [] });
  options.onWorker?.(worker);
  const link = new Link(worker, source.name, onProgress);
  const onAbort = () => link.fail(new CancelledError());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { file, chunks } = await link.call('read', {
      path: source.path,
      name: source.name,
      maxBytes: options.maxBytes,
      fields: options.fields,
      chunk: options.chunk,
    });
    const sets: RetrievedDocument[][] = file.resultSets.map(() => []);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const { set, documents, texts, ends } = await link.call('take', { chunk });
      const into = sets[set];
      let start = 0;
      documents.forEach((doc, i) => {
        // A slice points into `texts` instead of copying it (see DocumentChunk).
        (doc as RetrievedDocument).text = texts.slice(start, ends[i]);
        start = ends[i];
        into.push(doc as RetrievedDocument);
      });
      link.progress(READ_PERCENT.checked + ((100 - READ_PERCENT.checked) * (chunk + 1)) / chunks);
    }
    const resultSets = file.resultSets.map((s, i) => ({ ...s, documents: sets[i] }));
    return { ...file, resultSets, documents: resultSets[file.selected].documents };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}

/** One call at a time to the reader, its progress passed on (only ever growing), its failures as errors. */
class Link {
  private nextId = 1;
  private pending: { id: number; resolve: (result: unknown) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private percent = -1;

  constructor(
    private readonly worker: Worker,
    private readonly name: string,
    private readonly onProgress?: (progress: Progress) => void,
  ) {
    worker.on('message', (m: ReaderResponse) => this.onMessage(m));
    worker.on('error', (err: Error & { code?: string }) => this.fail(crashError(name, err)));
    worker.on('exit', (code) => this.fail(new Error(`Reading ${name} failed: the reader exited unexpectedly (code ${code}).`)));
  }

  call<M extends keyof ReaderMethods>(method: M, params: ReaderMethods[M][0]): Promise<ReaderMethods[M][1]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve: resolve as (result: unknown) => void, reject };
      this.worker.postMessage({ type: 'call', id, method, params } as ReaderCall);
    });
  }

  progress(percent: number): void {
    const step = Math.floor(percent);
    if (step <= this.percent) return;
    this.percent = step;
    this.onProgress?.({ phase: 'read', file: this.name, percent: step });
  }

  /** Ends the read: the pending call rejects (the first failure wins; later ones, like the exit it causes, are ignored). */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.pending?.reject(err);
    this.pending = undefined;
  }

  private onMessage(m: ReaderResponse): void {
    if (m.type === 'progress') {
      if (m.progress.phase === 'read' && m.progress.percent !== undefined) this.progress(m.progress.percent);
      return;
    }
    const pending = this.pending;
    if (!pending || pending.id !== m.id || this.failure) return;
    this.pending = undefined;
    if (m.type === 'result') pending.resolve(m.result);
    else pending.reject(fromReaderError(m.error));
  }
}

function crashError(name: string, err: Error & { code?: string }): Error {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new InputError('out-of-memory', `${name} is too large to read: the reader ran out of memory. Split the file, or keep only the candidates you want to rerank.`, name);
  }
  return new Error(`Reading ${name} failed: ${err.message}`);
}
