import { InputError } from '../errors';
import { lineError, readLines, splitLines, type FileOptions, type Line } from './lines';
import { isBeirHeader, parseGrade } from './qrels';

/** One retrieved document of a TREC run line. */
export interface RunEntry {
  docId: string;
  score: number;
  /** 1-based line in the run file, for messages such as "not in the corpus". */
  line: number;
}

export interface TrecRun {
  file: string;
  /** The tag (last column) of the first line. */
  tag: string;
  /** Query id → its documents in trec_eval's order; queries in order of first appearance in the file. */
  queries: Map<string, RunEntry[]>;
}

/** Parses a TREC run (`qid Q0 docid rank score tag`), ordered as trec_eval orders it. */
export function parseTrecRun(text: string, file: string): TrecRun {
  const reader = new RunReader(file);
  for (const line of splitLines(text)) reader.add(line);
  return reader.finish();
}

/** Streams a TREC run file line by line. Never writes to it. */
export async function readTrecRunFile(path: string, options: FileOptions = {}): Promise<TrecRun> {
  const reader = new RunReader(options.displayName ?? path);
  for await (const line of readLines(path, options)) reader.add(line);
  return reader.finish();
}

/**
 * trec_eval's order: score descending, ties by document id descending, compared byte by byte.
 * trec_eval ignores the rank column; form_res_rels.c sorts with
 *   `if (p1->sim > p2->sim) return -1; if (p1->sim < p2->sim) return 1; return strcmp(p2->docno, p1->docno);`
 * (usnistgov/trec_eval, form_res_rels.c, comp_sim_docno, v10.0).
 */
export function compareTrecEval(a: { docId: string; score: number }, b: { docId: string; score: number }): number {
  if (a.score > b.score) return -1;
  if (a.score < b.score) return 1;
  return compareBytes(b.docId, a.docId);
}

/**
 * Document ids ordered by score as trec_eval would order them. Rank reranked scores with it, so the
 * order evaluated here is the order any tool reading the written run file evaluates.
 */
export function orderByScore(docs: readonly { docId: string; score: number }[]): string[] {
  return [...docs].sort(compareTrecEval).map((d) => d.docId);
}

/** Anything that can say whether it knows an id: a Set, or the Map of a corpus or queries file. */
export interface IdLookup {
  has(id: string): boolean;
}

/**
 * Refuses a run that names a query missing from the queries file or a document missing from the
 * corpus, naming the run's line: evaluating it would silently score unknown text.
 */
export function checkRunIds(run: TrecRun, queries: IdLookup, queriesFile: string, documents: IdLookup, corpusFile: string): void {
  for (const [qid, entries] of run.queries) {
    if (!queries.has(qid)) {
      const line = Math.min(...entries.map((e) => e.line));
      throw lineError('unknown-id', run.file, line, `query ${qid} is not in ${queriesFile}. Are the run and the queries from the same dataset?`);
    }
    const missing = entries.filter((e) => !documents.has(e.docId)).sort((a, b) => a.line - b.line)[0];
    if (missing) {
      throw lineError('unknown-id', run.file, missing.line, `document ${missing.docId} (query ${qid}) is not in ${corpusFile}. Are the run and the corpus from the same dataset?`);
    }
  }
}

/** strcmp on UTF-8 bytes: the same as comparing code points (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

class RunReader {
  private readonly queries = new Map<string, RunEntry[]>();
  private readonly seen = new Map<string, number>();
  private tag: string | undefined;

  constructor(private readonly file: string) {}

  add({ text, line }: Line): void {
    const trimmed = text.trim();
    // trec_eval skips blank lines and lines starting with '#'.
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    if (fields.length < 6) throw this.shortLine(fields, line);
    const [qid, , docId, , rawScore, tag] = fields;
    const score = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(rawScore) ? Number(rawScore) : NaN;
    if (!Number.isFinite(score)) {
      throw lineError('wrong-shape', this.file, line, `the score ${JSON.stringify(rawScore)} is not a number (fields: qid Q0 docid rank score tag).`);
    }
    const key = `${qid}\u0000${docId}`;
    const first = this.seen.get(key);
    if (first !== undefined) {
      throw lineError('wrong-shape', this.file, line, `document ${docId} is listed twice for query ${qid} (first on line ${first}); trec_eval refuses such runs.`);
    }
    this.seen.set(key, line);
    this.tag ??= tag;
    let entries = this.queries.get(qid);
    if (!entries) {
      entries = [];
      this.queries.set(qid, entries);
    }
    entries.push({ docId, score, line });
  }

  finish(): TrecRun {
    if (this.queries.size === 0) {
      throw new InputError('empty', `${this.file}: no run lines found. Expected \`qid Q0 docid rank score tag\` lines.`, this.file);
    }
    for (const entries of this.queries.values()) entries.sort(compareTrecEval);
    return { file: this.file, tag: this.tag ?? '', queries: this.queries };
  }

  private shortLine(fields: string[], line: number): InputError {
    if (line === 1 && isBeirHeader(fields)) {
      return lineError('wrong-format', this.file, line, 'this is a BEIR qrels header (query-id corpus-id score), not a run. Give this file as the qrels.');
    }
    if (fields.length === 4 && parseGrade(fields[3]) !== undefined) {
      return lineError(
        'wrong-format',
        this.file,
        line,
        'this looks like a TREC qrels line (qid 0 docid grade), not a run line (qid Q0 docid rank score tag). Is this file the qrels?',
      );
    }
    return lineError('wrong-shape', this.file, line, `expected 6 fields (qid Q0 docid rank score tag), got ${fields.length}.`);
  }
}
