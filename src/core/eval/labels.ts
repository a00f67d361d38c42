import { InputError } from '../errors';
import { parseGrade } from './qrels';

/** A document as the results readers give it: an id, metadata, where it stands in its file, any other fields. */
export interface LabeledDocument {
  id: string | number;
  metadata?: Record<string, unknown>;
  line?: number;
  column?: number;
}

/**
 * The judgments of one query read from a field of its results documents (`metadata.relevant`,
 * `label`, …): true/false become 1/0, integers (also as strings, "2") are grades. A document without
 * the field, or with null, stays unjudged. A path without `metadata.` that the document lacks is also
 * looked up inside `metadata`, because the results readers keep only id, text, metadata and score.
 */
export function labelsToJudgments<T extends LabeledDocument>(docs: readonly T[], field: string, file = 'the results'): Map<string, number> {
  const path = field.split('.').map((p) => p.trim()).filter((p) => p !== '');
  if (path.length === 0) throw new InputError('wrong-shape', `The label field ${JSON.stringify(field)} is empty: give a path such as metadata.relevant.`);
  const judged = new Map<string, number>();
  for (const doc of docs) {
    let value = valueAt(doc, path);
    if (value === undefined && path[0] !== 'metadata') value = valueAt(doc.metadata, path);
    if (value === undefined || value === null) continue;
    const grade = toGrade(value);
    if (grade === undefined) {
      const where = doc.line === undefined ? file : `${file}:${doc.line}:${doc.column ?? 1}`;
      throw new InputError(
        'wrong-shape',
        `${where}: document ${JSON.stringify(doc.id)}: the label ${field} is ${describe(value)}; expected true/false or an integer grade ≥ 0.`,
        file,
        doc.line === undefined ? undefined : { line: doc.line, column: doc.column ?? 1 },
      );
    }
    judged.set(String(doc.id), grade);
  }
  return judged;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function toGrade(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
    const grade = parseGrade(lower);
    return grade !== undefined && grade >= 0 ? grade : undefined;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 30 ? value.slice(0, 30) + '…' : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
