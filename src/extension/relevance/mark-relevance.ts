import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { clearQrelsJudgment, updateQrelsFile } from '../../core/eval/qrels-file';
import { isInputError } from '../../core/errors';
import type { RankedDocument, UnscoredDocument } from '../../core/rerank';
import { SECTION } from '../config';
import type { StoredEvaluation } from '../evaluate/report-panel';
import { firstWords } from '../labels';
import { showInputError } from '../rerank-command';
import type { RerankSession } from '../session';
import { GRADES, gradeMark, gradeWords } from './grades';
import type { LabelsFile, RelevanceLabels } from './label-store';

export interface RelevanceDeps {
  labels: RelevanceLabels;
  log: vscode.LogOutputChannel;
  evaluation: () => StoredEvaluation | undefined;
}

/** A row that can be judged: a reranked document, or one listed unscored past rerankLens.maxDocuments. */
export type LabelledDocument = RankedDocument | UnscoredDocument;

/** Arguments for running the commands without the tree (keybindings give `{ grade }`, tests and links `{ id, grade }`). */
export interface MarkArgs {
  /** A document of the current results; without it, the tree's selection. */
  id?: string | number;
  grade?: number;
}

export function isMarkArgs(value: unknown): value is MarkArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri) && !('kind' in value);
}

/** What a mark wrote: the judgment (grade null when cleared) and the file it is in. */
export interface Marked {
  queryId: string;
  docId: string;
  grade: number | null;
  file: vscode.Uri;
}

/**
 * "Mark relevance": asks the grade (unless given) and writes it to the labels file under the query's id,
 * never into an input file. The tree shows the new label and metrics as soon as the file is written.
 */
export async function markRelevance(deps: RelevanceDeps, session: RerankSession, doc: LabelledDocument, given?: number): Promise<Marked | undefined> {
  const file = writableFile(deps, session);
  if (!file) return undefined;
  const queryId = deps.labels.queryIdOf(session).id;
  const docId = String(doc.id);
  const view = deps.labels.viewFor(session);
  const current = view?.labels.get(docId);
  const grade = given ?? (await pickGrade(doc, current?.grade, current?.source === file.name));
  if (grade === undefined) return undefined;
  if (grade === 'clear') return clearRelevance(deps, session, doc);
  if (!Number.isSafeInteger(grade) || grade < 0) {
    void vscode.window.showErrorMessage(`Rerank Lens: a relevance grade is an integer ≥ 0 (0–3 in the tree), not ${String(grade)}.`);
    return undefined;
  }
  const ok = await write(deps, session, file, () => updateQrelsFile(file.uri.fsPath, { queryId, docId, grade }, file.name));
  if (!ok) return undefined;
  vscode.window.setStatusBarMessage(`$(tag) ${gradeMark(grade)} ${gradeWords(grade)} → ${file.name} (query ${queryId}, document ${docId})`, 4000);
  return { queryId, docId, grade, file: file.uri };
}

/** "Clear relevance": removes the document's mark from the labels file (labels from other places stay). */
export async function clearRelevance(deps: RelevanceDeps, session: RerankSession, doc: LabelledDocument): Promise<Marked | undefined> {
  const file = writableFile(deps, session);
  if (!file) return undefined;
  const queryId = deps.labels.queryIdOf(session).id;
  const docId = String(doc.id);
  const ok = await write(deps, session, file, () => clearQrelsJudgment(file.uri.fsPath, { queryId, docId }, file.name));
  if (!ok) return undefined;
  const still = deps.labels.viewFor(session)?.labels.get(docId);
  const left = still ? `; ${still.source} still grades it ${still.grade}` : '';
  vscode.window.setStatusBarMessage(`$(tag) Label cleared in ${file.name} (query ${queryId}, document ${docId})${left}`, 4000);
  return { queryId, docId, grade: null, file: file.uri };
}

/** The labels file, unless it cannot be resolved or is one of the files these results (or the evaluation) were read from. */
function writableFile(deps: RelevanceDeps, session: RerankSession): LabelsFile | undefined {
  const file = deps.labels.fileFor(session);
  if (typeof file === 'string') {
    void vscode.window.showErrorMessage(`Rerank Lens: ${file}`);
    return undefined;
  }
  const input = inputFiles(session, deps.evaluation()).find((f) => samePath(f, file.uri.fsPath));
  if (input) {
    const settings = 'Open Settings';
    void vscode.window
      .showErrorMessage(
        `Rerank Lens: rerankLens.qrelsFile points at ${file.name}, a file these results or the evaluation were read from. ` +
          'Labels are never written into an input file: choose a file of its own (the default is .rerank-lens/qrels.tsv).',
        settings,
      )
      .then((answer) => answer && vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.qrelsFile`));
    return undefined;
  }
  return file;
}

/** The results files of the session, and the corpus, queries, qrels and runs of the evaluation. */
export function inputFiles(session: RerankSession, evaluation: StoredEvaluation | undefined): string[] {
  const files = session.files.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  if (session.evaluation) files.push(session.evaluation.qrels.path);
  if (evaluation) {
    const { corpus, queries, qrels, runs } = evaluation.files;
    files.push(corpus.path, queries.path, qrels.path, ...runs.map((r) => r.path));
  }
  return files;
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => (process.platform === 'win32' || process.platform === 'darwin' ? resolve(p).toLowerCase() : resolve(p));
  return norm(a) === norm(b);
}

/** Runs the file update; a user error (a broken or JSON labels file) is shown with the file, anything else logged. */
async function write(deps: RelevanceDeps, session: RerankSession, file: LabelsFile, update: () => Promise<unknown>): Promise<boolean> {
  try {
    await update();
  } catch (err) {
    if (isInputError(err)) {
      deps.log.warn(`Label not written: ${err.message}`);
      void showInputError(err);
    } else {
      deps.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      void vscode.window.showErrorMessage(`Rerank Lens: could not write ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return false;
  }
  // Read back at once: the tree shows the file as written, without waiting for the watcher.
  await deps.labels.load(session);
  return true;
}

type GradeItem = { grade: number | 'clear' } & vscode.QuickPickItem;

const ICONS = ['circle-slash', 'check', 'pass', 'star-full'];

/** A quick pick of the grades 0–3; typing a digit picks that grade at once. */
function pickGrade(doc: LabelledDocument, current: number | undefined, canClear: boolean): Promise<number | 'clear' | undefined> {
  const items: GradeItem[] = GRADES.map(({ grade, name }) => ({
    label: `${grade}  ${name}`,
    description: `${gradeMark(grade)}${grade === current ? ' · current' : ''}`,
    iconPath: new vscode.ThemeIcon(ICONS[grade]),
    grade,
  }));
  if (canClear) items.push({ label: 'Clear relevance', description: 'remove this label from the labels file', iconPath: new vscode.ThemeIcon('clear-all'), grade: 'clear' });
  const pick = vscode.window.createQuickPick<GradeItem>();
  pick.title = `Mark relevance: ${'rank' in doc ? `#${doc.rank}` : `not reranked (fused #${doc.fusedRank})`} ${firstWords(doc.text, 50)}`;
  pick.placeholder = 'Type 0–3, or pick a grade';
  pick.items = items;
  const active = items.find((i) => i.grade === current);
  if (active) pick.activeItems = [active];
  return new Promise((resolvePick) => {
    let chosen: number | 'clear' | undefined;
    pick.onDidChangeValue((value) => {
      if (!/^[0-3]$/.test(value.trim())) return;
      chosen = Number(value.trim());
      pick.hide();
    });
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.grade ?? pick.activeItems[0]?.grade;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolvePick(chosen);
    });
    pick.show();
  });
}
