/**
 * Reads the inputs of an evaluation: BEIR queries and corpus, qrels, and one or more runs (TREC run
 * files or results files), and checks that every id a run names exists. Only the corpus documents some
 * run retrieved are kept, so a large corpus is streamed through, never held whole.
 */
import { CancelledError, InputError } from '../errors';
import { readHead } from '../sniff';
import type { EvalFileRef, EvalFiles } from '../../shared/eval-types';
import type { Progress } from '../../shared/worker-protocol';
import { parseCorpusLine, readBeirQueries, type BeirQuery, type CorpusDocument } from './beir';
import { readLines } from './lines';
import { readQrelsFile, type Qrels } from './qrels';
import { checkRunIds, readTrecRunFile } from './run';
import { readResultsRun } from './results-run';

/** A retrieved document of a run: its id, the run's score, and where the run lists it. */
export interface RunDocument {
  docId: string;
  score: number;
  line: number;
  column: number;
}

/** One retriever's run: query id → documents, best first (trec_eval order for TREC runs, file order for results). */
export interface RunSource {
  name: string;
  rankings: Map<string, RunDocument[]>;
}

export interface EvalData {
  /** Only the documents that some run retrieved. */
  corpus: Map<string, CorpusDocument>;
  queries: Map<string, BeirQuery>;
  qrels: Qrels;
  runs: RunSource[];
  /** Runs read and checked like the others but not evaluated as sources (e.g. `--compare-run`). */
  extraRuns: RunSource[];
  warnings: string[];
}

export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Runs to read and check beside `files.runs`, returned as `extraRuns`. */
  extraRuns?: EvalFileRef[];
}

export async function loadEvalData(files: EvalFiles, options: ReadOptions = {}): Promise<EvalData> {
  const { signal, onProgress } = options;
  const step = (file: EvalFileRef) => {
    if (signal?.aborted) throw new CancelledError();
    onProgress?.({ phase: 'read', file: file.name });
  };
  const warnings: string[] = [];
  step(files.queries);
  const queries = await readBeirQueries(files.queries.path, { displayName: files.queries.name, signal });
  warnings.push(...queries.warnings);
  step(files.qrels);
  const qrels = await readQrelsFile(files.qrels.path, { displayName: files.qrels.name, signal });
  warnings.push(...qrels.warnings);

  const runs: RunSource[] = [];
  const checks: ((corpus: ReadonlySet<string>) => void)[] = [];
  for (const file of [...files.runs, ...(options.extraRuns ?? [])]) {
    step(file);
    const { run, check } = await readRun(file, queries.entries, files, signal);
    runs.push(run);
    checks.push(check);
  }
  const needed = new Set<string>();
  for (const run of runs) for (const docs of run.rankings.values()) for (const d of docs) needed.add(d.docId);

  step(files.corpus);
  const corpus = await readNeededCorpus(files.corpus, needed, signal);
  // Every id the corpus lacks is named with the run's line, before anything is scored.
  const found = new Set(corpus.keys());
  for (const check of checks) check(found);
  const extraRuns = runs.splice(files.runs.length);
  return { corpus, queries: queries.entries, qrels: qrels.qrels, runs, extraRuns, warnings };
}

/** A TREC run or a results file (recognised by its first character, `[` or `{`), as a ranked source. */
async function readRun(file: EvalFileRef, queries: Map<string, BeirQuery>, files: EvalFiles, signal?: AbortSignal) {
  const head = (await readHead(file.path).catch(() => '')).trimStart();
  if (head.startsWith('[') || head.startsWith('{')) return readResultsRun(file, queries, files);
  const trec = await readTrecRunFile(file.path, { displayName: file.name, signal });
  const rankings = new Map<string, RunDocument[]>();
  for (const [qid, entries] of trec.queries) rankings.set(qid, entries.map((e) => ({ docId: e.docId, score: e.score, line: e.line, column: 1 })));
  return {
    run: { name: file.name, rankings },
    check: (corpus: ReadonlySet<string>) => checkRunIds(trec, queries, files.queries.name, corpus, files.corpus.name),
  };
}

async function readNeededCorpus(file: EvalFileRef, needed: ReadonlySet<string>, signal?: AbortSignal): Promise<Map<string, CorpusDocument>> {
  const corpus = new Map<string, CorpusDocument>();
  let any = false;
  for await (const line of readLines(file.path, { displayName: file.name, signal })) {
    const doc = parseCorpusLine(line, file.name);
    if (!doc) continue;
    any = true;
    if (needed.has(doc.id) && !corpus.has(doc.id)) corpus.set(doc.id, doc);
  }
  if (!any) {
    throw new InputError('empty', `${file.name}: no documents found. Expected one JSON object per line.`, file.name);
  }
  return corpus;
}

/** The text a cross-encoder scores for a corpus document: title and text, as BEIR's reranker joins them. */
export function documentText(doc: Pick<CorpusDocument, 'title' | 'text'>): string {
  // beir/reranking/rerank.py: (corpus[doc_id].get("title", "") + " " + corpus[doc_id].get("text", "")).strip()
  return `${doc.title} ${doc.text}`.trim();
}
