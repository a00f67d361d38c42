import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { InputError, positionAt } from '../errors';
import { jsonSyntaxError } from '../json-errors';
import type { Qrels } from './qrels';

/** `{ "<qid>": { "<docid>": grade } }`, the shape pytrec_eval and ranx take as a dict. */
export function parseJsonQrels(body: string, file: string): { qrels: Qrels; warnings: string[] } {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (err) {
    throw jsonSyntaxError(body, file, (err as Error).message);
  }
  const fail = (path: string[], message: string): InputError => {
    // Positions are only needed for the message, so the text is scanned again only on failure.
    const node = findNodeAtLocation(parseTree(body) ?? { type: 'null', offset: 0, length: 0 }, path);
    const pos = positionAt(body, node?.offset ?? 0);
    return new InputError('wrong-shape', `${file}:${pos.line}:${pos.column}: ${message}`, file, pos);
  };
  if (!isObject(root)) throw fail([], `expected an object { "<query id>": { "<doc id>": grade } }, got ${describe(root)}.`);
  const qrels: Qrels = new Map();
  const warnings: string[] = [];
  for (const [qid, judged] of Object.entries(root)) {
    if (!isObject(judged)) {
      throw fail([qid], `query ${JSON.stringify(qid)} must map to an object { "<doc id>": grade }, got ${describe(judged)}.`);
    }
    const grades = new Map<string, number>();
    for (const [docid, grade] of Object.entries(judged)) {
      if (typeof grade !== 'number' || !Number.isSafeInteger(grade)) {
        throw fail(
          [qid, docid],
          `the grade of ${JSON.stringify(docid)} for query ${JSON.stringify(qid)} is ${describe(grade)}; grades are integers ≥ 0 (0 = not relevant).`,
        );
      }
      if (grade < 0) warnings.push(`${file}: negative grade ${grade} for ${docid} (query ${qid}) counts as 0 (judged, not relevant).`);
      grades.set(docid, Math.max(0, grade));
    }
    qrels.set(qid, grades);
  }
  if (qrels.size === 0) throw new InputError('empty', `${file}: the object has no queries, so there is nothing to evaluate.`, file);
  return { qrels, warnings };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.slice(0, 30))})`;
  if (typeof v === 'number') return String(v);
  return `a ${typeof v}`;
}
