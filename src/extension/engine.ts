import { join } from 'node:path';
import * as vscode from 'vscode';
import { ScoreCache } from '../core/cache/score-cache';
import { InputError } from '../core/errors';
import { mergeSelection, readFiles, scoreLoaded, type FilesRead, type LoadedResults, type PartialRun, type ResultsSource } from '../core/pipeline';
import type { QuerySelection } from '../core/queries';
import { describeRead } from '../core/read-results';
import { readInWorker } from '../core/reader/client';
import { RemoteRerankError } from '../core/rerankers/remote';
import { expectedScoreKind, rerankerLabel, type RerankerSpec } from '../core/rerankers/reranker';
import { createScorer, type Scorer } from '../core/rerankers/scorer';
import { resolveModelLocation } from '../core/scoring/model-location';
import { ScoringWorker } from '../core/scoring/worker-client';
import type { ModelSpec } from '../shared/model-spec';
import type { Progress, WorkerMethod, WorkerParams, WorkerResult } from '../shared/worker-protocol';
import type { ApiKeys } from './ask/api-key';
import type { Settings } from './settings';
import { fileRead, type RerankSession } from './session';

/** The files that could be read, ready for a query to be chosen. */
export interface ReadOutcome extends FilesRead {
  /** The URI of each file in `files`, in the same order. */
  uris: vscode.Uri[];
  startedAt: number;
}

/** How long `deactivate` waits for the worker to release the model before VS Code moves on. */
const SHUTDOWN_WAIT_MS = 2000;
/** Progressive results redraw the tree at most this often (each redraw lays out every row). */
const PARTIAL_EVERY_MS = 500;

/**
 * The extension host's side of the engine: the core pipeline with the editor's policy (a file that
 * cannot be read is skipped and reported), results files parsed in reader workers (core/reader), and
 * the scoring worker, created on the first rerank.
 */
export class RerankEngine implements vscode.Disposable {
  private worker: ScoringWorker | undefined;
  /** Scores already computed, by reranker, model, query and text: shared with the CLI's `--cache-dir <models>`. */
  readonly cache: ScoreCache;
  private running = 0;
  private last: Progress | undefined;

  /** True while a read or a rerank runs (until its worker has answered, also after a cancel). */
  get busy(): boolean {
    return this.running > 0;
  }

  /** The latest progress of the running read or rerank (undefined when idle): what tests watch. */
  get progress(): Progress | undefined {
    return this.busy ? this.last : undefined;
  }

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    /** The reranking server's key (SecretStorage, RERANK_API_KEY as fallback). */
    private readonly rerankerKeys: ApiKeys,
  ) {
    this.cache = new ScoreCache(join(context.globalStorageUri.fsPath, 'models', 'scores'), { warn: (m) => log.warn(m) });
  }

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

  /** The reranker the settings choose, with its key; a remote one without a URL is a configuration error. */
  async rerankerSpec(config: Settings): Promise<RerankerSpec> {
    if (config.reranker === 'local') return { kind: 'local', model: this.modelSpec(config) };
    if (!config.rerankerURL) {
      throw new RemoteRerankError(
        'bad-config',
        `The reranker is "${config.reranker}" but rerankLens.rerankerURL is not set in your user settings: set the server's rerank endpoint, or run "Rerank Lens: Choose Reranker…".`,
        '',
      );
    }
    const key = await this.rerankerKeys.get();
    return { kind: config.reranker, url: config.rerankerURL, model: config.rerankerModel || undefined, apiKey: key?.key };
  }

  /** The settings' reranker behind the score cache: what the tree, evaluation and the chat participant score with. */
  async scorer(config: Settings): Promise<{ spec: RerankerSpec; scorer: Scorer }> {
    const spec = await this.rerankerSpec(config);
    return { spec, scorer: createScorer(spec, { worker: () => this.scoringWorker(), cache: this.cache, log: (line) => this.log.info(line) }) };
  }

  /** Reads every file off the extension host's thread; throws only when none can be read. */
  async read(files: readonly vscode.Uri[], config: Settings, token: vscode.CancellationToken, onProgress: (p: Progress) => void): Promise<ReadOutcome> {
    const startedAt = performance.now();
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const readable: ResultsSource[] = [];
    const byName = new Map<string, vscode.Uri>();
    const elsewhere: InputError[] = [];
    for (const uri of files) {
      const name = vscode.workspace.asRelativePath(uri, multiRoot);
      if (uri.scheme !== 'file') {
        elsewhere.push(new InputError('unreadable', `${name}: only files on disk can be reranked (got a ${uri.scheme}: resource).`, name));
        continue;
      }
      readable.push({ path: uri.fsPath, name });
      byName.set(name, uri);
    }
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    this.running++;
    this.last = undefined;
    try {
      if (readable.length === 0) throw elsewhere[0];
      const workerPath = this.context.asAbsolutePath(join('dist', 'reader.js'));
      const read = await readFiles(readable, {
        onFileError: 'skip',
        maxBytes: config.maxFileSizeMB * 1024 * 1024,
        fields: Object.keys(config.fields).length ? config.fields : undefined,
        signal: abort.signal,
        onProgress: (p) => {
          this.last = p;
          onProgress(p);
        },
        read: (source, request) => readInWorker(source, { ...request, workerPath }),
      });
      const failed = [...elsewhere, ...read.failed];
      for (const file of read.files) this.log.info(describeRead(file));
      for (const error of failed) this.log.error(error.message);
      return { files: read.files, failed, uris: read.files.map((f) => byName.get(f.file)!), startedAt };
    } finally {
      this.running--;
      cancel.dispose();
    }
  }

  /**
   * Merges the chosen query's result sets and scores them with the settings' reranker (through the score
   * cache); `onPartial` gets the results so far while it runs (progressive results).
   */
  async rerank(
    read: ReadOutcome,
    selection: QuerySelection,
    query: string,
    config: Settings,
    token: vscode.CancellationToken,
    onProgress: (p: Progress) => void,
    onPartial?: (session: RerankSession) => void,
  ): Promise<RerankSession> {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    this.running++;
    this.last = undefined;
    try {
      const { spec, scorer } = await this.scorer(config);
      const label = rerankerLabel(spec);
      const loaded = mergeSelection(read, selection);
      for (const warning of loaded.merged.warnings) this.log.warn(warning);
      const toScore = Math.min(loaded.merged.documents.length, config.maxDocuments ?? Infinity);
      this.log.info(`Reranking ${toScore} of ${loaded.merged.documents.length} documents with ${label} for query ${JSON.stringify(query)}`);
      const run = await scoreLoaded(loaded, {
        query,
        signal: abort.signal,
        onProgress: (p) => {
          this.last = p;
          onProgress(p);
        },
        startedAt: read.startedAt,
        maxDocuments: config.maxDocuments ?? undefined,
        scorer,
        expectedScoreKind: expectedScoreKind(spec.kind),
        partialEveryMs: PARTIAL_EVERY_MS,
        onPartial: onPartial && ((partial) => onPartial(this.session(read, selection, loaded, config, spec, { ...partial, unscored: [], elapsedMs: performance.now() - read.startedAt }))),
      });
      const t = run.timings;
      this.log.info(
        `Scored ${run.ranked.length} pairs in ${Math.round(run.elapsedMs)} ms from the first read` +
          (t ? ` (model load ${Math.round(t.loadMs)} ms, tokenize ${Math.round(t.tokenizeMs)} ms, inference ${Math.round(t.inferenceMs)} ms)` : '') +
          (run.cache ? `; ${run.cache.hits} from the score cache` : ''),
      );
      return this.session(read, selection, loaded, config, spec, { ...run, pending: 0 });
    } finally {
      this.running--;
      cancel.dispose();
    }
  }

  /** Runs a worker method (an evaluation, one query of it) with the editor's cancellation and progress. */
  async call<M extends WorkerMethod>(method: M, params: WorkerParams<M>, token: vscode.CancellationToken, onProgress: (p: Progress) => void): Promise<WorkerResult<M>> {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      return await this.scoringWorker().call(method, params, { signal: abort.signal, onProgress });
    } finally {
      cancel.dispose();
    }
  }

  private session(
    read: ReadOutcome,
    selection: QuerySelection,
    loaded: LoadedResults,
    config: Settings,
    spec: RerankerSpec,
    run: Pick<PartialRun, 'query' | 'ranked' | 'pending' | 'scoreKind'> & { unscored: RerankSession['unscored']; elapsedMs: number },
  ): RerankSession {
    const { index, of, label } = selection;
    return {
      query: run.query,
      model: spec.kind === 'local' ? config.modelPath || config.model : (spec.model ?? ''),
      dtype: spec.kind === 'local' ? spec.model.dtype : '',
      reranker: rerankerLabel(spec),
      scoreKind: run.scoreKind,
      files: read.uris,
      fileNames: read.files.map((f) => f.file),
      reads: selection.files.map(fileRead),
      resultSet: index === undefined || of === undefined ? undefined : { index, of, label: label ?? `set ${index + 1}` },
      documents: run.ranked,
      unscored: run.unscored,
      ...(run.pending ? { pending: run.pending } : {}),
      topK: config.topK,
      threshold: { minScore: config.minScore, minProbability: config.minProbability, scoreKind: run.scoreKind },
      elapsedMs: run.elapsedMs,
      warnings: loaded.merged.warnings,
    };
  }

  private scoringWorker(): ScoringWorker {
    return (this.worker ??= new ScoringWorker({ workerPath: this.context.asAbsolutePath(join('dist', 'worker.js')) }));
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
