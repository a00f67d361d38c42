import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { MergedDocument } from '../../core/documents';
import { isCancelled, isInputError } from '../../core/errors';
import { renderMarkdownReport } from '../../core/eval/report';
import { rankByScore } from '../../core/rerank';
import type { ExportFormat } from '../../shared/report-protocol';
import { readConfig } from '../config';
import { progressReporter } from '../progress';
import { showInputError, showRemoteError } from '../rerank-command';
import { isRemoteRerankError } from '../../core/rerankers/remote';
import { rerankerLabel } from '../../core/rerankers/reranker';
import type { RerankSession } from '../session';
import type { EvaluateDeps } from './evaluate-command';
import type { StoredEvaluation } from './report-panel';

/**
 * A query of the report, reranked on its own with the configured model and shown in the Reranked
 * Results tree: the same candidates and texts as the evaluation, so the scores are the report's.
 */
export async function openEvaluationQuery(deps: EvaluateDeps, queryId: string): Promise<RerankSession | undefined> {
  const stored = deps.report.current;
  if (!stored) {
    void vscode.window.showInformationMessage('Rerank Lens: no evaluation yet. Run "Rerank Lens: Evaluate…" first.');
    return undefined;
  }
  const config = readConfig();
  const { files, settings } = stored;
  deps.report.busy(queryId);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Rerank Lens: reranking ${queryId}`, cancellable: true },
      async (progress, token) => {
        const started = performance.now();
        const reranker = await deps.engine.rerankerSpec(config);
        const result = await deps.engine.call(
          'rerankQuery',
          { files, settings, queryId, reranker, cacheDir: deps.engine.cache.dir },
          token,
          progressReporter(progress, deps.status),
        );
        const documents: MergedDocument[] = result.documents.map((d, i) => ({
          id: d.id,
          text: d.text,
          metadata: d.title ? { title: d.title } : {},
          originalRank: i + 1,
          sources: d.sources,
        }));
        const session: RerankSession = {
          query: result.query,
          model: reranker.kind === 'local' ? config.modelPath || config.model : (reranker.model ?? ''),
          dtype: reranker.kind === 'local' ? reranker.model.dtype : '',
          reranker: rerankerLabel(reranker),
          scoreKind: result.scoreKind,
          unscored: [],
          files: files.runs.map((r) => vscode.Uri.file(r.path)),
          fileNames: files.runs.map((r) => r.name),
          reads: files.runs.map((r) => ({ file: r.name, shape: `evaluation run (query ${queryId})`, sets: [documents.length], selected: 0 })),
          documents: rankByScore(documents, result.scores, result.scoreKind),
          topK: config.topK,
          threshold: { minScore: config.minScore, minProbability: config.minProbability, scoreKind: result.scoreKind },
          elapsedMs: performance.now() - started,
          warnings: [],
        };
        deps.log.info(`Reranked ${queryId} of the evaluation: ${documents.length} candidates in ${Math.round(session.elapsedMs)} ms`);
        deps.show(session);
        return session;
      },
    );
  } catch (err) {
    if (isCancelled(err)) return undefined;
    if (isInputError(err)) void showInputError(err);
    else if (isRemoteRerankError(err)) {
      deps.log.error(err.message);
      void showRemoteError(err);
    } else {
      deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      void vscode.window.showErrorMessage(`Rerank Lens: ${err instanceof Error ? err.message : String(err)}`);
    }
    return undefined;
  } finally {
    deps.report.busy(null);
    deps.status.idle();
  }
}

/** The report as Markdown or as the CLI's `--json`, saved where the user says — never over an input file. */
export async function exportEvaluation(stored: StoredEvaluation | undefined, format: ExportFormat = 'markdown', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!stored) {
    void vscode.window.showInformationMessage('Rerank Lens: no evaluation yet. Run "Rerank Lens: Evaluate…" first.');
    return undefined;
  }
  const extension = format === 'markdown' ? 'md' : 'json';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: `Export the evaluation report (${format === 'markdown' ? 'Markdown' : 'JSON'})`,
      saveLabel: 'Export',
      defaultUri: folder && vscode.Uri.joinPath(folder, `evaluation-report.${extension}`),
      filters: format === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] },
    }));
  if (!uri) return undefined;
  const { files, view } = stored;
  const inputs = [files.corpus, files.queries, files.qrels, ...files.runs];
  if (inputs.some((f) => vscode.Uri.file(f.path).toString() === uri.toString())) {
    void vscode.window.showErrorMessage(`Rerank Lens: ${basename(uri.fsPath)} is an input of this evaluation; export to another file so it is not overwritten.`);
    return undefined;
  }
  const text =
    format === 'markdown'
      ? renderMarkdownReport(view.report, { title: view.title, queryText: new Map(Object.entries(view.queryText)) })
      : JSON.stringify({ ...view.report, model: view.model && { ...view.model, topN: view.topN }, comparison: null }, null, 2) + '\n';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}
