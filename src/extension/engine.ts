import { join } from 'node:path';
import * as vscode from 'vscode';
import { InputError } from '../core/errors';
import { rerankResults, type ResultsSource } from '../core/pipeline';
import { resolveModelLocation } from '../core/scoring/model-location';
import { ScoringWorker } from '../core/scoring/worker-client';
import type { ModelSpec } from '../shared/model-spec';
import type { Progress } from '../shared/worker-protocol';
import type { Settings } from './settings';
import type { RerankSession } from './session';

export interface RerankOutcome {
  session: RerankSession;
  /** Files that could not be read; the others were reranked. */
  failed: InputError[];
}

/** How long `deactivate` waits for the worker to release the model before VS Code moves on. */
const SHUTDOWN_WAIT_MS = 2000;

/**
 * The extension host's side of the engine: the core pipeline with the editor's policy (a file that
 * cannot be read is skipped and reported) and the scoring worker, created on the first rerank.
 */
export class RerankEngine implements vscode.Disposable {
  private worker: ScoringWorker | undefined;
  private running = 0;
  private last: Progress | undefined;

  /** True while a rerank runs (until the worker has answered, also after a cancel). */
  get busy(): boolean {
    return this.running > 0;
  }

  /** The latest progress the running rerank reported (undefined when idle): the view of tests and status. */
  get progress(): Progress | undefined {
    return this.busy ? this.last : undefined;
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  modelSpec(config: Settings): ModelSpec {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return {
      model: config.modelPath ? resolveModelLocation(config.modelPath, { base, folder: true }) : resolveModelLocation(config.model, { base }),
      dtype: config.dtype,
      cacheDir: join(this.context.globalStorageUri.fsPath, 'models'),
      allowRemote: config.allowRemoteModels,
      maxLength: config.maxLength,
    };
  }

  async rerank(
    files: readonly vscode.Uri[],
    query: string,
    config: Settings,
    token: vscode.CancellationToken,
    onProgress: (p: Progress) => void,
  ): Promise<RerankOutcome> {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const sources: ResultsSource[] = files.map((f) => ({ path: f.fsPath, name: vscode.workspace.asRelativePath(f, multiRoot) }));
    const readable: ResultsSource[] = [];
    const elsewhere: InputError[] = [];
    files.forEach((f, i) => {
      const { name } = sources[i];
      if (f.scheme === 'file') readable.push(sources[i]);
      else elsewhere.push(new InputError('unreadable', `${name}: only files on disk can be reranked (got a ${f.scheme}: resource).`, name));
    });
    if (readable.length === 0) throw elsewhere[0];
    const spec = this.modelSpec(config);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    this.running++;
    this.last = undefined;
    try {
      const worker = (this.worker ??= new ScoringWorker({ workerPath: this.context.asAbsolutePath(join('dist', 'worker.js')) }));
      const run = await rerankResults(readable, {
        onFileError: 'skip',
        query,
        signal: abort.signal,
        onProgress: (p) => {
          this.last = p;
          onProgress(p);
        },
        scorer: (q, documents, options) => {
          this.log.info(`Reranking ${documents.length} documents with ${spec.model} (${spec.dtype}) for query ${JSON.stringify(q)}`);
          return worker.score({ model: spec, query: q, documents, ...options });
        },
      });
      const failed = [...elsewhere, ...run.failed];
      for (const error of failed) this.log.error(error.message);
      for (const warning of run.merged.warnings) this.log.warn(warning);
      this.log.info(
        `Read ${run.files.map((f) => `${f.file} (${f.documents.length})`).join(', ')}; scored ${run.ranked.length} pairs in ` +
          `${Math.round(run.elapsedMs)} ms (model load ${Math.round(run.timings?.loadMs ?? 0)} ms, ` +
          `tokenize ${Math.round(run.timings?.tokenizeMs ?? 0)} ms, inference ${Math.round(run.timings?.inferenceMs ?? 0)} ms)`,
      );
      const read = new Set(run.files.map((f) => f.file));
      return {
        session: {
          query: run.query,
          model: config.modelPath || config.model,
          dtype: config.dtype,
          files: files.filter((_, i) => read.has(sources[i].name)),
          fileNames: sources.map((s) => s.name).filter((name) => read.has(name)),
          documents: run.ranked,
          topK: config.topK,
          threshold: { minScore: config.minScore, minProbability: config.minProbability },
          elapsedMs: run.elapsedMs,
          warnings: run.merged.warnings,
        },
        failed,
      };
    } finally {
      this.running--;
      cancel.dispose();
    }
  }

  /** Stops the worker (pending work is cancelled first), waiting at most ~2 s. */
  async shutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([worker.dispose(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
    clearTimeout(timer);
  }

  dispose(): void {
    void this.shutdown();
  }
}
