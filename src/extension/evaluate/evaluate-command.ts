import { basename } from 'node:path';
import * as vscode from 'vscode';
import { reportRows } from '../../core/eval/report';
import { isCancelled, isInputError } from '../../core/errors';
import type { EvalFileRef, EvalFiles, EvalReport, EvalSettings } from '../../shared/eval-types';
import type { ReportView } from '../../shared/report-protocol';
import { readConfig } from '../config';
import { progressReporter } from '../progress';
import { showInputError, showRemoteError, type RerankDeps } from '../rerank-command';
import { isRemoteRerankError } from '../../core/rerankers/remote';
import { expectedScoreKind, rerankerLabel, type RerankerSpec } from '../../core/rerankers/reranker';
import { askEvalInputs, type EvalInputs } from './ask-inputs';
import type { ReportPanel, StoredEvaluation } from './report-panel';

/** Arguments for running Evaluate without prompts (tests, other extensions); anything left out is found or asked. */
export interface EvaluateArgs extends Partial<EvalInputs> {
  /** false: evaluate the runs only, without loading a model. */
  rerank?: boolean;
  k?: number;
  topN?: number;
}

export interface EvaluateDeps extends RerankDeps {
  report: ReportPanel;
}

/**
 * "Evaluate…": find or ask for the corpus, queries, qrels and runs, evaluate them in the scoring worker
 * under a cancellable notification (reading, reranking and metrics never run on the extension host's
 * thread), and open the report. Returns what the report shows.
 */
export async function evaluateCommand(deps: EvaluateDeps, args: EvaluateArgs = {}): Promise<StoredEvaluation | undefined> {
  const config = readConfig();
  const inputs = await askEvalInputs(args);
  if (!inputs) return undefined;
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const ref = (uri: vscode.Uri): EvalFileRef => ({ path: uri.fsPath, name: vscode.workspace.asRelativePath(uri, multiRoot) });
  const files: EvalFiles = { corpus: ref(inputs.corpus), queries: ref(inputs.queries), qrels: ref(inputs.qrels), runs: inputs.runs.map(ref) };
  const settings: EvalSettings = { k: args.k ?? config['eval.k'], topN: args.topN ?? config['eval.topN'] };
  const rerank = args.rerank !== false;

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Rerank Lens: evaluating', cancellable: true },
    async (progress, token) => {
      const started = performance.now();
      try {
        // The reranker the settings choose (local or a server), through the same score cache as the tree.
        const reranker = rerank ? await deps.engine.rerankerSpec(config) : undefined;
        const modelInfo = reranker && rerankerInfo(reranker, config.modelPath);
        deps.log.info(`Evaluating ${files.runs.map((r) => r.name).join(', ')} against ${files.qrels.name} (k = ${settings.k}, top ${settings.topN}, ${modelInfo ? `${modelInfo.name} (${modelInfo.dtype})` : 'no reranking'})`);
        const outcome = await deps.engine.call('evaluate', { files, settings, reranker, cacheDir: deps.engine.cache.dir }, token, progressReporter(progress, deps.status));
        for (const warning of outcome.warnings) deps.log.warn(warning);
        deps.log.info(
          `Evaluated ${outcome.report.queries} queries (${outcome.report.skipped.length} skipped); ${outcome.stats.pairs} pairs, ${outcome.stats.cachedPairs} of them from the score cache; ` +
            `read ${Math.round(outcome.stats.readMs)} ms, scored ${Math.round(outcome.stats.scoreMs)} ms, total ${Math.round(performance.now() - started)} ms`,
        );
        const view: ReportView = {
          title: `Evaluation of ${files.runs.map((r) => basename(r.name)).join(' + ')}`,
          createdAt: Date.now(),
          model: modelInfo ?? null,
          topN: settings.topN,
          inputs: { corpus: files.corpus.name, queries: files.queries.name, qrels: files.qrels.name, runs: files.runs.map((r) => r.name) },
          report: outcome.report,
          rows: rowsOf(outcome.report),
          queryText: outcome.queryText,
          warnings: outcome.warnings,
        };
        const stored: StoredEvaluation = { view, files, settings, reranked: rerank };
        await deps.report.show(stored);
        return stored;
      } catch (err) {
        if (isCancelled(err)) {
          deps.log.info('Evaluation cancelled.');
          return undefined;
        }
        if (isInputError(err)) {
          deps.log.error(err.message);
          void showInputError(err);
          return undefined;
        }
        if (isRemoteRerankError(err)) {
          deps.log.error(err.message);
          void showRemoteError(err);
          return undefined;
        }
        deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        void vscode.window.showErrorMessage(`Rerank Lens: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((a) => a && deps.log.show());
        return undefined;
      } finally {
        deps.status.idle();
      }
    },
  );
}

/** What the report says reranked: "ms-marco-MiniLM-L-6-v2 (fp32)", or a server and what its scores are. */
export function rerankerInfo(reranker: RerankerSpec, modelPath: string): { name: string; dtype: string } {
  if (reranker.kind === 'local') return { name: modelPath ? basename(modelPath) : reranker.model.model, dtype: reranker.model.dtype };
  return { name: rerankerLabel(reranker), dtype: expectedScoreKind(reranker.kind) === 'logit' ? 'logits' : 'probabilities' };
}

/** The report's table rows (core's order and labels) with the kind of each, for the webview. */
export function rowsOf(report: EvalReport): ReportView['rows'] {
  const kinds: ReportView['rows'][number]['kind'][] = report.sources.map(() => 'source');
  if (report.sources.length > 1) kinds.push('input');
  if (report.rrf) kinds.push('rrf');
  if (report.reranked) kinds.push('reranked');
  return reportRows(report).map((row, i) => ({ ...row, kind: kinds[i] }));
}
