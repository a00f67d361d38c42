import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isInputError } from '../errors';
import { readTextFile } from './lines';
import { setQrelsGrade, type Judgment } from './writers';

/** The labels file "Mark relevance" writes, relative to the workspace folder. */
export const DEFAULT_QRELS_PATH = '.rerank-lens/qrels.tsv';

const pending = new Map<string, Promise<unknown>>();

/**
 * Adds or changes one judgment in a qrels file, creating the file (BEIR format) and its folder if
 * needed. Updates of one path run one after the other, and each replaces the file in one rename, so
 * quick successive marks are all kept and a crash never leaves half a file.
 */
export function updateQrelsFile(path: string, judgment: Judgment, displayName = path): Promise<void> {
  const previous = pending.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => writeJudgment(path, judgment, displayName));
  pending.set(path, next);
  void next.finally(() => {
    if (pending.get(path) === next) pending.delete(path);
  }).catch(() => undefined);
  return next;
}

async function writeJudgment(path: string, judgment: Judgment, displayName: string): Promise<void> {
  let text = '';
  try {
    text = await readTextFile(path, { displayName });
  } catch (err) {
    if (!(isInputError(err) && err.code === 'not-found')) throw err;
  }
  const updated = setQrelsGrade(text, displayName, judgment);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, updated);
  await rename(temporary, path);
}
