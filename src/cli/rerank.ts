import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mergeSelection, readFiles, scoreLoaded, type RerankRun } from '../core/pipeline';
import { everyQuery, selectQuery, type QuerySelection } from '../core/queries';
import { describeRead } from '../core/read-results';
import { toReport, type RerankReport } from '../core/rerank';
import { rerankerLabel, scoreKindWords } from '../core/rerankers/reranker';
import { applyCut, hasThreshold, minScoreIgnored, type Cut } from '../core/threshold';
import { ScoringWorker } from '../core/scoring/worker-client';
import { MODEL_OPTIONS, MODEL_USAGE, UsageError, clearProgress, optionalInt, optionalNumber, showProgress } from './args';
import { MAX_DOCUMENTS_OPTION, MAX_DOCUMENTS_USAGE, RERANKER_OPTIONS, RERANKER_USAGE, rerankerFromArgs } from './reranker-args';
import { RESULTS_OPTIONS, RESULTS_USAGE, resultsArgs } from './results-args';
import { formatTable } from './table';

export const RERANK_USAGE = `Usage: rerank-lens rerank FILE... [--query TEXT] [options]

Reranks retrieval results with a cross-encoder and prints them, best first. Files are
JSON or JSONL as retrievers write them (LangChain, LlamaIndex, Chroma, Pinecone, Qdrant,
Weaviate, Elasticsearch/OpenSearch, Vespa, Haystack, OpenInference, Milvus, LanceDB, or
plain {id, text} lists), recognised from their content and merged by id.

Options:
  -q, --query TEXT       the query (default: the one stored in a results file)
${MODEL_USAGE}
${RERANKER_USAGE}
${MAX_DOCUMENTS_USAGE}
  -k, --top-k N          keep only the N best documents
      --min-score X      keep only documents scoring at least X (raw logit; negative: --min-score=-2);
                         ignored for rerankers that give probabilities (Cohere, Voyage…)
      --min-probability P
                         keep only documents with sigmoid(score), or the reranker's own
                         probability, at least P (0–1)
      --json             print JSON instead of a table (an array of reports for several queries)
  -h, --help             show this help

Reading results (the shape is recognised from the content; map any other with dot paths):
${RESULTS_USAGE}`;

/** `rerank-lens rerank`: the pipeline with the CLI's policy (any unreadable file fails the run). */
export async function rerankCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals: files } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...MODEL_OPTIONS,
      ...RERANKER_OPTIONS,
      ...MAX_DOCUMENTS_OPTION,
      ...RESULTS_OPTIONS,
      query: { type: 'string', short: 'q' },
      'top-k': { type: 'string', short: 'k' },
      'min-score': { type: 'string' },
      'min-probability': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(RERANK_USAGE + '\n');
    return 0;
  }
  if (files.length === 0) throw new UsageError('Name at least one results file.');
  const cut: Cut = {
    topK: optionalInt(values['top-k'], '--top-k'),
    minScore: optionalNumber(values['min-score'], '--min-score') ?? null,
    minProbability: optionalNumber(values['min-probability'], '--min-probability', 0, 1) ?? null,
  };
  const { fields, queryIndex, maxBytes } = resultsArgs(values);
  const reranker = rerankerFromArgs(values, (line) => process.stderr.write(`${line}\n`));
  const startedAt = performance.now();
  const read = await readFiles(
    files.map((f) => ({ path: resolve(f), name: f })),
    { onFileError: 'fail', fields, maxBytes, signal },
  );
  for (const file of read.files) process.stderr.write(`${describeRead(file)}\n`);
  const fileWarnings = new Set(read.files.flatMap((f) => f.warnings));
  for (const warning of fileWarnings) process.stderr.write(`warning: ${warning}\n`);
  const selections = queryIndex === undefined ? everyQuery(read.files) : [selectQuery(read.files, queryIndex)];
  const loaded = selections.map((selection) => mergeSelection(read, selection));
  // Check every query before scoring any, so a missing one is said at once.
  const queries = loaded.map((l) => values.query?.trim() || l.merged.query || missingQuery(l.selection));

  let worker: ScoringWorker | undefined;
  const scorer = reranker.scorer(() => (worker ??= new ScoringWorker({ workerPath: join(__dirname, 'worker.js') })));
  const label = rerankerLabel(reranker.spec);
  try {
    const reports: object[] = [];
    for (const [i, l] of loaded.entries()) {
      // File warnings were said once above; what is left is this query's merge (conflicting texts).
      for (const warning of l.merged.warnings.filter((w) => !fileWarnings.has(w))) process.stderr.write(`warning: ${warning}\n`);
      const run = await scoreLoaded(l, {
        query: queries[i],
        signal,
        startedAt: i === 0 ? startedAt : undefined,
        onProgress: process.stderr.isTTY ? showProgress : undefined,
        maxDocuments: reranker.maxDocuments,
        scorer,
      });
      clearProgress();
      const runCut: Cut = { ...cut, scoreKind: run.scoreKind };
      if (i === 0 && minScoreIgnored(runCut)) {
        process.stderr.write(`warning: --min-score applies to raw logits; ${label} gives ${scoreKindWords(run.scoreKind)}, so it was ignored (use --min-probability).\n`);
      }
      if (run.unscored.length) process.stderr.write(`${run.unscored.length} documents past --max-documents ${reranker.maxDocuments} were not reranked.\n`);
      const set = resultSet(l.selection);
      if (values.json) {
        reports.push(report(run, reranker.name, runCut, set));
      } else {
        if (set) process.stdout.write(`Result set ${set.index + 1} of ${set.of}: ${set.label}\n`);
        process.stdout.write(formatTable(run.query, label, run.ranked, runCut, run.elapsedMs / 1000));
        if (i < loaded.length - 1) process.stdout.write('\n');
      }
    }
    // One query (every single-set file): one report, as before multi-query files existed; several: an array.
    if (values.json) process.stdout.write(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n');
    return 0;
  } finally {
    await worker?.dispose();
  }
}

/** `results` holds what clears every cut (as with --top-k alone); `cut` says what was cut and how much. */
function report(run: RerankRun, model: string, cut: Cut, set: RerankReport['resultSet']): object {
  const { kept, belowTopK, belowThreshold } = applyCut(run.ranked, cut);
  const summary = {
    topK: cut.topK ?? null,
    minScore: cut.minScore,
    minProbability: cut.minProbability,
    total: run.ranked.length,
    kept: kept.length,
    belowTopK: belowTopK.length,
    belowThreshold: belowThreshold.length,
  };
  const cutSome = cut.topK !== undefined || hasThreshold(cut);
  return { ...toReport(run.query, model, kept, undefined, { resultSet: set, scoreKind: run.scoreKind, unscored: run.unscored }), ...(cutSome ? { cut: summary } : {}) };
}

function resultSet(selection: QuerySelection): RerankReport['resultSet'] {
  const { index, of, label } = selection;
  return index === undefined || of === undefined ? undefined : { index, of, label: label ?? `set ${index + 1}` };
}

function missingQuery(selection: QuerySelection): never {
  if (selection.index === undefined) throw new UsageError('The query is empty. Pass --query "…" (or store a "query" in a results file).');
  throw new UsageError(`The query is empty, and result set ${selection.index} (${selection.label}) stores none. Pass --query "…".`);
}
