import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { labelsToJudgments } from '../../core/eval/labels';
import { readLabelsFile } from '../../core/eval/qrels-file';
import type { Qrels } from '../../core/eval/qrels';
import { queryIdFor, type LabelLayer, type QueryId } from '../../core/eval/query-labels';
import { isInputError } from '../../core/errors';
import type { RankedDocument } from '../../core/rerank';
import { readConfig, SECTION } from '../config';
import type { StoredEvaluation } from '../evaluate/report-panel';
import type { RerankSession } from '../session';
import { treeLabels, type TreeLabels } from './label-view';

/** A qrels file: where it is and the name messages and tooltips use for it. */
export interface LabelsFile {
  uri: vscode.Uri;
  name: string;
}

interface Loaded {
  qrels: Qrels;
  /** Why it could not be read, if it could not. */
  problem?: string;
}

const SETTINGS = ['qrelsFile', 'labelField', 'eval.k'].map((k) => `${SECTION}.${k}`);

/**
 * The relevance labels the tree shows, from three places (later wins): a label field of the results
 * documents (rerankLens.labelField), the qrels of the evaluation a query belongs to, and the labels file
 * "Mark relevance" writes (rerankLens.qrelsFile). Files are read here, ahead of time, and watched; the
 * tree asks `viewFor` synchronously and re-renders on `onDidChange`.
 */
export class RelevanceLabels implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private own: (LabelsFile & Loaded) | undefined;
  private watcher: vscode.Disposable | undefined;
  /** Counts reads of the labels file: a read that finishes after a newer one started is dropped. */
  private reads = 0;
  private readonly evaluations = new Map<string, Loaded & { stamp: string }>();
  private readonly subscriptions: vscode.Disposable[];
  /** The last session loaded for: a new rerankLens.qrelsFile is read for it. */
  private session: RerankSession | undefined;

  constructor(
    private readonly evaluation: () => StoredEvaluation | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.qrelsFile`) && this.session) void this.load(this.session);
        if (SETTINGS.some((s) => e.affectsConfiguration(s))) this.changed.fire();
      }),
    ];
  }

  /** rerankLens.qrelsFile, resolved against the workspace folder of the session's files; a message when it cannot be. */
  fileFor(session: RerankSession): LabelsFile | string {
    const setting = readConfig().qrelsFile;
    const folders = vscode.workspace.workspaceFolders ?? [];
    let uri: vscode.Uri;
    if (isAbsolute(setting)) uri = vscode.Uri.file(setting);
    else {
      const folder = (session.files[0] && vscode.workspace.getWorkspaceFolder(session.files[0])) ?? folders[0];
      if (!folder) return `rerankLens.qrelsFile (${setting}) is relative, and no folder is open: open a folder or give an absolute path.`;
      uri = vscode.Uri.joinPath(folder.uri, ...setting.split(/[\\/]+/).filter(Boolean));
    }
    return { uri, name: vscode.workspace.asRelativePath(uri, folders.length > 1) };
  }

  /** The id a session's labels are filed under: its evaluation's, the id of the same text in the open evaluation, or derived from the text. */
  queryIdOf(session: RerankSession): QueryId {
    if (session.evaluation) return { id: session.evaluation.queryId, from: 'evaluation' };
    return queryIdFor(session.query, Object.entries(this.evaluation()?.view.queryText ?? {}));
  }

  /** Reads what a session's labels need (the labels file, its evaluation's qrels), then tells the tree. */
  async load(session: RerankSession): Promise<void> {
    this.session = session;
    const file = this.fileFor(session);
    if (typeof file === 'string') {
      this.own = undefined;
      this.watcher?.dispose();
      this.watcher = undefined;
    } else if (file.uri.toString() !== this.own?.uri.toString()) {
      this.own = { ...file, qrels: new Map() };
      this.watch(file.uri);
    }
    // The labels file is read afresh for each result (it is small), so the tree never waits on a watcher event.
    const qrels = this.evaluationQrels(session);
    await Promise.all([this.reloadOwn(), qrels && this.loadEvaluation(qrels)]);
  }

  /** Reads the labels file again (when it changed on disk) and tells the tree. */
  private async reloadOwn(): Promise<void> {
    const own = this.own;
    if (!own) return;
    const read = ++this.reads;
    let loaded: Loaded;
    try {
      const parsed = await readLabelsFile(own.uri.fsPath, own.name);
      loaded = { qrels: parsed.qrels };
      for (const warning of parsed.warnings) this.log.warn(warning);
    } catch (err) {
      const problem = isInputError(err) ? err.message : `${own.name}: ${err instanceof Error ? err.message : String(err)}`;
      this.log.warn(`Labels not read: ${problem}`);
      loaded = { qrels: new Map(), problem };
    }
    if (read !== this.reads || this.own !== own) return;
    // Not `...own`: a problem of an earlier read must not outlive the file being fixed or deleted.
    this.own = { uri: own.uri, name: own.name, ...loaded };
    this.changed.fire();
  }

  /** The labels of a session from what is loaded (no I/O); undefined when nothing judges its query. */
  viewFor(session: RerankSession): TreeLabels | undefined {
    const config = readConfig();
    const queryId = this.queryIdOf(session);
    const layers: LabelLayer[] = [];
    const problems: string[] = [];
    if (config.labelField) {
      try {
        layers.push({ source: config.labelField, judged: labelsToJudgments([...session.documents, ...session.unscored], config.labelField, session.fileNames.join(' + ')) });
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    const qrels = this.evaluationQrels(session);
    const evaluation = qrels && this.evaluations.get(qrels.path);
    if (qrels && evaluation) {
      layers.push({ source: qrels.name, judged: evaluation.qrels.get(queryId.id) });
      if (evaluation.problem) problems.push(evaluation.problem);
    }
    const file = this.fileFor(session);
    const own = typeof file === 'string' ? undefined : file.name;
    if (this.own && own === this.own.name) {
      layers.push({ source: own, judged: this.own.qrels.get(queryId.id) });
      if (this.own.problem) problems.push(this.own.problem);
    }
    return treeLabels(listedOrder(session), { queryId, layers, own: own ?? '', k: config['eval.k'], cut: session.topK, problems });
  }

  /** The qrels of the evaluation a session's query belongs to, if it belongs to one. */
  private evaluationQrels(session: RerankSession): { path: string; name: string } | undefined {
    if (session.evaluation) return session.evaluation.qrels;
    if (this.queryIdOf(session).from !== 'evaluation') return undefined;
    return this.evaluation()?.files.qrels;
  }

  /** Reads an evaluation's qrels unless the file is unchanged since the last read. */
  private async loadEvaluation(file: { path: string; name: string }): Promise<void> {
    let stamp = '';
    try {
      const s = await stat(file.path);
      stamp = `${s.mtimeMs}:${s.size}`;
    } catch {
      // Gone: readLabelsFile says so below (as no judgments).
    }
    if (stamp && this.evaluations.get(file.path)?.stamp === stamp) return;
    let loaded: Loaded;
    try {
      loaded = { qrels: (await readLabelsFile(file.path, file.name)).qrels };
    } catch (err) {
      loaded = { qrels: new Map(), problem: err instanceof Error ? err.message : String(err) };
    }
    this.evaluations.set(file.path, { ...loaded, stamp });
    this.changed.fire();
  }

  /** Watches the labels file: an edit, a checkout or a delete on disk shows in the tree at once. */
  private watch(uri: vscode.Uri): void {
    this.watcher?.dispose();
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const pattern = folder
      ? new vscode.RelativePattern(folder, vscode.workspace.asRelativePath(uri, false))
      : new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uri.path.split('/').pop()!);
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const reload = () => void this.reloadOwn();
    this.watcher = vscode.Disposable.from(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * Every listed document with its position in the tree: the reranked ones by rank, then the ones past
 * rerankLens.maxDocuments in their fused order. The metrics compare this with the whole input order, so
 * a relevant document left unscored counts where the tree shows it (not as missing).
 */
export function listedOrder(session: Pick<RerankSession, 'documents' | 'unscored'>): Pick<RankedDocument, 'id' | 'rank' | 'originalRank'>[] {
  const scored = session.documents.length;
  return [...session.documents, ...session.unscored.map((d, i) => ({ id: d.id, originalRank: d.originalRank, rank: scored + i + 1 }))];
}
