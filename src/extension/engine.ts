import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { ResultsFile } from '../core/documents';
import { InputError, isInputError } from '../core/errors';
import { mergeResults } from '../core/merge';
import { readResultsFile } from '../core/read-results';
import { rankByScore } from '../core/rerank';
import type { ModelSpec, Progress } from '../core/scoring/protocol';
import { ScoringWorker } from '../core/scoring/worker-client';
import type { RerankConfig } from './config';
import type { RerankSession } from './session';

export interface RerankOutcome {
  session: RerankSession;
  /** Files that could not be read; the others were reranked. */
  failed: InputError[];
}

/**
 * The extension host's side of the engine: reads the files, merges them, and asks the worker
 * for scores. The worker (and with it transformers.js) is only created on the first rerank.
 */
export class RerankEngine implements vscode.Disposable {
  private worker: ScoringWorker | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  modelSpec(config: RerankConfig): ModelSpec {
    return {
      model: config.modelPath ? resolveFolder(config.modelPath) : config.model,
      dtype: config.dtype,
      cacheDir: join(this.context.globalStorageUri.fsPath, 'models'),
      allowRemote: config.allowRemoteModels,
      maxLength: config.maxLength,
    };
  }

  async rerank(
    files: readonly vscode.Uri[],
    query: string,
    config: RerankConfig,
    token: vscode.CancellationToken,
    onProgress: (p: Progress) => void,
  ): Promise<RerankOutcome> {
    const started = performance.now();
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const fileNames = files.map((f) => vscode.workspace.asRelativePath(f, multiRoot));
    const read = await Promise.allSettled(files.map((f, i) => readOne(f, fileNames[i])));
    const loaded: ResultsFile[] = [];
    const failed: InputError[] = [];
    read.forEach((r) => {
      if (r.status === 'fulfilled') loaded.push(r.value);
      else if (isInputError(r.reason)) failed.push(r.reason);
      else throw r.reason;
    });
    for (const error of failed) this.log.error(error.message);
    if (loaded.length === 0) throw failed[0];
    const merged = mergeResults(loaded);
    for (const warning of merged.warnings) this.log.warn(warning);
    const spec = this.modelSpec(config);
    this.log.info(
      `Reranking ${merged.documents.length} documents from ${loaded.map((f) => `${f.file} (${f.documents.length})`).join(', ')} ` +
        `with ${spec.model} (${spec.dtype}) for query ${JSON.stringify(query)}`,
    );
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      this.worker ??= new ScoringWorker({ workerPath: this.context.asAbsolutePath(join('dist', 'worker.js')) });
      const { scores, timings } = await this.worker.score({
        model: spec,
        query,
        documents: merged.documents.map((d) => d.text),
        signal: abort.signal,
        onProgress,
      });
      const elapsedMs = performance.now() - started;
      this.log.info(
        `Scored ${scores.length} pairs in ${Math.round(elapsedMs)} ms (model load ${Math.round(timings.loadMs)} ms, ` +
          `tokenize ${Math.round(timings.tokenizeMs)} ms, inference ${Math.round(timings.inferenceMs)} ms)`,
      );
      return {
        session: {
          query,
          model: config.modelPath || config.model,
          dtype: config.dtype,
          files: loaded.map((f) => files[fileNames.indexOf(f.file)]),
          fileNames: loaded.map((f) => f.file),
          documents: rankByScore(merged.documents, scores),
          topK: config.topK,
          elapsedMs,
          warnings: merged.warnings,
        },
        failed,
      };
    } finally {
      cancel.dispose();
    }
  }

  dispose(): void {
    void this.worker?.dispose();
  }
}

async function readOne(uri: vscode.Uri, name: string): Promise<ResultsFile> {
  if (uri.scheme !== 'file') {
    throw new InputError('unreadable', `${name}: only files on disk can be reranked (got a ${uri.scheme}: resource).`, name);
  }
  return readResultsFile(uri.fsPath, { displayName: name });
}

function resolveFolder(path: string): string {
  if (path.startsWith('~/') || path === '~') return join(homedir(), path.slice(1));
  if (isAbsolute(path)) return path;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return root ? join(root, path) : path;
}
