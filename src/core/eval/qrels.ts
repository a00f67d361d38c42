import { InputError } from '../errors';
import { parseJsonQrels } from './qrels-json';
import { lineError, readTextFile, splitLines, type FileOptions } from './lines';

/** Relevance judgments: query id → document id → grade (an integer ≥ 0; > 0 is relevant). */
export type Qrels = Map<string, Map<string, number>>;

export type QrelsFormat = 'trec' | 'beir' | 'json';

export interface ParsedQrels {
  qrels: Qrels;
  format: QrelsFormat;
  /** Duplicate judgments and negative grades: accepted, but worth telling the user. */
  warnings: string[];
}

const BEIR_HEADER = ['query-id', 'corpus-id', 'score'];
const RUN_HINT = 'a TREC run line (qid Q0 docid rank score tag)';

/**
 * Parses relevance judgments, detecting the format from the content: JSON `{ qid: { docid: grade } }`,
 * BEIR `qrels/*.tsv` (`query-id corpus-id score`, header optional) or TREC qrels (`qid 0 docid grade`).
 */
export function parseQrels(text: string, file: string): ParsedQrels {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw emptyError(file);
  // An array is not qrels, but the JSON reader says so with a position (it is often a results file).
  if (/^\s*[{[]/.test(body)) return { ...parseJsonQrels(body, file), format: 'json' };

  const qrels: Qrels = new Map();
  const warnings: string[] = [];
  const seenOn = new Map<string, number>();
  let format: 'trec' | 'beir' | undefined;
  for (const { text: lineText, line } of splitLines(body)) {
    if (lineText.trim() === '') continue;
    const fields = splitFields(lineText);
    if (format === undefined) {
      if (line === 1 && isBeirHeader(fields)) {
        format = 'beir';
        continue;
      }
      format = detectLineFormat(fields, file, line);
    }
    const expected = format === 'beir' ? 3 : 4;
    if (fields.length !== expected) throw fieldCountError(fields, format, file, line);
    const [qid, docid, rawGrade] = format === 'beir' ? fields : [fields[0], fields[2], fields[3]];
    let grade = parseGrade(rawGrade);
    if (grade === undefined) {
      throw lineError('wrong-shape', file, line, `the grade ${JSON.stringify(rawGrade)} is not an integer; grades are integers ≥ 0 (0 = not relevant).`);
    }
    if (grade < 0) {
      warnings.push(`${file}:${line}: negative grade ${grade} for ${docid} counts as 0 (judged, not relevant).`);
      grade = 0;
    }
    const key = `${qid}\u0000${docid}`;
    const before = seenOn.get(key);
    if (before !== undefined) {
      warnings.push(`${file}:${line}: query ${qid} judges ${docid} again (first on line ${before}); the later grade ${grade} is kept.`);
    }
    seenOn.set(key, line);
    judgmentsOf(qrels, qid).set(docid, grade);
  }
  if (format === undefined || qrels.size === 0) throw emptyError(file);
  return { qrels, format, warnings };
}

/** Reads and parses a qrels file of any of the three formats. Never writes to it. */
export async function readQrelsFile(path: string, options: FileOptions = {}): Promise<ParsedQrels> {
  const name = options.displayName ?? path;
  return parseQrels(await readTextFile(path, options), name);
}

/**
 * A grade as written in a qrels file: an integer, also spelled `2.0` (pandas writes that), or
 * undefined if it is not an integral number.
 */
export function parseGrade(raw: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The judgments of one query, created empty on first use. */
export function judgmentsOf(qrels: Qrels, qid: string): Map<string, number> {
  let judged = qrels.get(qid);
  if (!judged) {
    judged = new Map();
    qrels.set(qid, judged);
  }
  return judged;
}

/** Tab-separated when the line has tabs (ids may then hold spaces), else split on any whitespace. */
export function splitFields(lineText: string): string[] {
  const parts = lineText.includes('\t') ? lineText.split('\t').map((f) => f.trim()) : lineText.trim().split(/\s+/);
  return parts.filter((f) => f !== '');
}

export function isBeirHeader(fields: readonly string[]): boolean {
  if (fields.length !== 3) return false;
  const lower = fields.map((f) => f.toLowerCase());
  return lower.every((f, i) => f === BEIR_HEADER[i]) || /^(score|rel|relevance|grade|label)$/.test(lower[2]);
}

function detectLineFormat(fields: readonly string[], file: string, line: number): 'trec' | 'beir' {
  if (fields.length === 3) return 'beir';
  if (fields.length === 4) return 'trec';
  throw fieldCountError(fields, undefined, file, line);
}

function fieldCountError(fields: readonly string[], format: 'trec' | 'beir' | undefined, file: string, line: number): InputError {
  if (looksLikeRunLine(fields)) {
    return lineError(
      'wrong-format',
      file,
      line,
      `this looks like ${RUN_HINT}, not a relevance judgment. Is this file a run? Give it as the run, and give qrels as ` +
        '`qid 0 docid grade` (TREC) or `query-id<TAB>corpus-id<TAB>score` (BEIR).',
    );
  }
  const wanted =
    format === 'beir' ? '3 fields (query-id, corpus-id, score)' : format === 'trec' ? '4 fields (qid 0 docid grade)' : '`qid 0 docid grade` (TREC qrels) or `query-id<TAB>corpus-id<TAB>score` (BEIR)';
  return lineError('wrong-shape', file, line, `expected ${wanted}, got ${fields.length} field${fields.length === 1 ? '' : 's'}.`);
}

/** `qid Q0 docid rank score tag`: six or more fields, with Q0 or an integer rank before a numeric score. */
export function looksLikeRunLine(fields: readonly string[]): boolean {
  if (fields.length < 6) return false;
  return fields[1] === 'Q0' || (/^\d+$/.test(fields[3]) && Number.isFinite(Number(fields[4])));
}

function emptyError(file: string): InputError {
  return new InputError('empty', `${file}: no relevance judgments found. Expected TREC qrels, BEIR qrels (.tsv) or JSON.`, file);
}
