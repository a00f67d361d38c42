import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isInputError } from '../errors';
import { readTextFile } from './lines';
import { parseQrels, type ParsedQrels } from './qrels';
import { hasNoJudgments, removeQrelsGrade, setQrelsGrade, type Judgment } from './writers';

/** The labels file "Mark relevance" writes, relative to the workspace folder. */
export const DEFAULT_QRELS_PATH = '.rerank-lens/qrels.tsv';

const pending = new Map<string, Promise<unknown>>();

/**
 * Adds or changes one judgment in a qrels file, creating the file (BEIR format) and its folder if
 * needed. Updates of one path run one after the other, and each replaces the file in one rename, so
 * quick successive marks are all kept and a crash never leaves half a file.
 */
export function updateQrelsFile(path: string, judgment: Judgment, displayName = path): Promise<void> {
  return queued(path, async () => {
    await editFile(path, displayName, true, (text) => setQrelsGrade(text, displayName, judgment));
  });
}

/**
 * Removes the judgment of one query–document pair from a qrels file, in the same queue as the updates.
 * Resolves to whether the file judged it (a missing file is left missing).
 */
export function clearQrelsJudgment(path: string, pair: Omit<Judgment, 'grade'>, displayName = path): Promise<boolean> {
  return queued(path, () => editFile(path, displayName, false, (text) => removeQrelsGrade(text, displayName, pair)));
}

/**
 * Reads the labels file: a missing file, an empty one or a BEIR header alone (what clearing every label
 * leaves) hold no judgments; anything else is parsed as qrels of any format, errors naming the line.
 */
export async function readLabelsFile(path: string, displayName = path): Promise<ParsedQrels> {
  const empty: ParsedQrels = { qrels: new Map(), format: 'beir', warnings: [] };
  let text: string;
  try {
    text = await readTextFile(path, { displayName });
  } catch (err) {
    if (isInputError(err) && err.code === 'not-found') return empty;
    throw err;
  }
  return hasNoJudgments(text) ? empty : parseQrels(text, displayName);
}

function queued<T>(path: string, job: () => Promise<T>): Promise<T> {
  const previous = pending.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(job);
  pending.set(path, next);
  void next
    .finally(() => {
      if (pending.get(path) === next) pending.delete(path);
    })
    .catch(() => undefined);
  return next;
}

/** Rewrites the file through `edit`; writes nothing when the text stays the same. Resolves to whether it changed. */
async function editFile(path: string, displayName: string, create: boolean, edit: (text: string) => string): Promise<boolean> {
  let text = '';
  try {
    text = await readTextFile(path, { displayName });
  } catch (err) {
    if (!(isInputError(err) && err.code === 'not-found')) throw err;
    if (!create) return false;
  }
  const updated = edit(text);
  if (updated === text) return false;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, updated);
  await rename(temporary, path);
  return true;
}
