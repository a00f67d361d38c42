/**
 * A results file (the shapes `rerank-lens rerank` reads) used as an evaluation run: each result set
 * is one query's ranking, matched to a query id of queries.jsonl by its stored query text.
 */
import type { RetrievedDocument } from '../documents';
import { InputError } from '../errors';
import { readResultsFile } from '../read-results';
import type { EvalFileRef, EvalFiles } from '../../shared/eval-types';
import type { BeirQuery } from './beir';
import type { RunDocument, RunSource } from './inputs';

interface ResultSetLike {
  query?: string;
  documents: RetrievedDocument[];
}

export async function readResultsRun(
  file: EvalFileRef,
  queries: ReadonlyMap<string, BeirQuery>,
  files: EvalFiles,
): Promise<{ run: RunSource; check: (corpus: ReadonlySet<string>) => void }> {
  const read = await readResultsFile(file.path, { displayName: file.name });
  // One result set per query (Chroma, _msearch, OpenInference spans…), or a single set.
  const sets: ResultSetLike[] = read.resultSets.length ? read.resultSets : [read];
  const byText = new Map<string, string>();
  for (const q of queries.values()) if (!byText.has(normalize(q.text))) byText.set(normalize(q.text), q.id);

  const rankings = new Map<string, RunDocument[]>();
  sets.forEach((set, i) => {
    const where = sets.length > 1 ? `${file.name} (result set ${i + 1})` : file.name;
    const first = set.documents[0];
    const at = first ? `${file.name}:${first.line}:${first.column}` : where;
    if (!set.query) {
      throw new InputError(
        'wrong-shape',
        `${where}: the results have no "query", so they cannot be matched to a query of ${files.queries.name}. ` +
          'Store the query text with them ({"query": "…", "results": [...]}), or give a TREC run.',
        file.name,
      );
    }
    const qid = byText.get(normalize(set.query));
    if (qid === undefined) {
      throw new InputError('unknown-id', `${at}: the query ${JSON.stringify(set.query)} is not in ${files.queries.name} (queries are matched by their text).`, file.name, first && { line: first.line, column: first.column });
    }
    if (rankings.has(qid)) {
      throw new InputError('wrong-shape', `${at}: a second result set for query ${qid} (${JSON.stringify(set.query)}).`, file.name, first && { line: first.line, column: first.column });
    }
    const docs = [...set.documents].sort((a, b) => a.rank - b.rank);
    rankings.set(
      qid,
      docs.map((d) => ({ docId: String(d.id), score: d.score ?? docs.length - d.rank + 1, line: d.line, column: d.column })),
    );
  });
  const check = (corpus: ReadonlySet<string>) => {
    for (const docs of rankings.values()) {
      const missing = docs.find((d) => !corpus.has(d.docId));
      if (missing) {
        throw new InputError(
          'unknown-id',
          `${file.name}:${missing.line}:${missing.column}: document ${missing.docId} is not in ${files.corpus.name}. Are the results and the corpus from the same dataset?`,
          file.name,
          { line: missing.line, column: missing.column },
        );
      }
    }
  };
  return { run: { name: file.name, rankings }, check };
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
