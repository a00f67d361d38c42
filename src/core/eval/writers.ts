import { InputError } from '../errors';
import { isBeirHeader, parseQrels, splitFields, type Qrels } from './qrels';
import { compareTrecEval } from './run';

export interface ScoredDocument {
  docId: string;
  score: number;
}

export interface Judgment {
  queryId: string;
  docId: string;
  /** An integer ≥ 0 (the tree offers 0–3). */
  grade: number;
}

export const BEIR_QRELS_HEADER = 'query-id\tcorpus-id\tscore';

/**
 * A TREC run file that trec_eval, ranx and pytrec_eval read back in the same order: lines are written
 * in trec_eval's order (score descending, ties by docid descending) so the rank column agrees with it.
 */
export function formatTrecRun(run: Iterable<readonly [string, readonly ScoredDocument[]]>, tag: string): string {
  const cleanTag = tag.trim().replace(/\s+/g, '_') || 'rerank-lens';
  const out: string[] = [];
  for (const [qid, docs] of run) {
    checkToken(qid, 'query id', /\s/);
    [...docs].sort(compareTrecEval).forEach((doc, i) => {
      checkToken(doc.docId, 'document id', /\s/);
      if (!Number.isFinite(doc.score)) throw new Error(`Score of ${doc.docId} for query ${qid} is ${doc.score}; a run needs finite scores.`);
      out.push(`${qid} Q0 ${doc.docId} ${i + 1} ${doc.score} ${cleanTag}\n`);
    });
  }
  return out.join('');
}

/** BEIR `qrels/*.tsv`: the header, then one `query-id<TAB>corpus-id<TAB>score` line per judgment. */
export function formatBeirQrels(qrels: Qrels): string {
  const out = [BEIR_QRELS_HEADER + '\n'];
  for (const [qid, judged] of qrels) {
    for (const [docId, grade] of judged) out.push(beirLine({ queryId: qid, docId, grade }) + '\n');
  }
  return out.join('');
}

/**
 * Adds or changes one judgment in the text of a BEIR or TREC qrels file, keeping every other line
 * byte for byte (line endings included). The first line that judges the same pair is rewritten in
 * place and later duplicates are dropped, so the file says one thing. An empty text becomes a new BEIR
 * file. JSON qrels are refused: rewriting them would reformat the user's file.
 */
export function setQrelsGrade(text: string, file: string, judgment: Judgment): string {
  const { queryId, docId, grade } = judgment;
  checkToken(queryId, 'query id', /[\t\r\n]/);
  checkToken(docId, 'document id', /[\t\r\n]/);
  if (!Number.isSafeInteger(grade) || grade < 0) throw new RangeError(`A grade is an integer ≥ 0, got ${grade}.`);
  if (text.trim() === '') return `${BEIR_QRELS_HEADER}\n${beirLine(judgment)}\n`;

  const { format } = parseQrels(text, file);
  if (format === 'json') {
    throw new InputError('wrong-format', `${file} holds JSON qrels, which Rerank Lens does not rewrite. Choose a .tsv qrels file for labels.`, file);
  }
  const trec = format === 'trec';
  if (trec) {
    checkToken(queryId, 'query id', /\s/);
    checkToken(docId, 'document id', /\s/);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/(?<=\n)/);
  let replaced = false;
  const kept: string[] = [];
  lines.forEach((raw, i) => {
    const bom = i === 0 && raw.startsWith('\ufeff') ? '\ufeff' : '';
    const body = raw.slice(bom.length).replace(/\r?\n$/, '');
    const fields = splitFields(body);
    const header = i === 0 && !trec && isBeirHeader(fields);
    const [qid, did] = trec ? [fields[0], fields[2]] : [fields[0], fields[1]];
    if (header || qid !== queryId || did !== docId) {
      kept.push(raw);
      return;
    }
    if (replaced) return;
    replaced = true;
    const sep = body.includes('\t') ? '\t' : ' ';
    const updated = trec ? [qid, fields[1], did, String(grade)].join(sep) : [qid, did, String(grade)].join(sep);
    kept.push(bom + updated + raw.slice(bom.length + body.length));
  });
  if (!replaced) {
    const last = kept.length ? kept[kept.length - 1] : '';
    if (last !== '' && !last.endsWith('\n')) kept[kept.length - 1] = last + eol;
    kept.push((trec ? `${queryId} 0 ${docId} ${grade}` : beirLine(judgment)) + eol);
  }
  return kept.join('');
}

function beirLine({ queryId, docId, grade }: Judgment): string {
  checkToken(queryId, 'query id', /[\t\r\n]/);
  checkToken(docId, 'document id', /[\t\r\n]/);
  return `${queryId}\t${docId}\t${grade}`;
}

function checkToken(value: string, what: string, forbidden: RegExp): void {
  if (value === '' || forbidden.test(value)) {
    throw new InputError('wrong-shape', `The ${what} ${JSON.stringify(value)} cannot be written to this file: it is empty or holds a separator character.`);
  }
}
