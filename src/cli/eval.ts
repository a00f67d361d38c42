import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareRankings } from '../core/eval/compare';
import { renderComparisonMarkdown, type LabeledComparison } from '../core/eval/compare-report';
import { mergeInOrder } from '../core/eval/fusion';
import { loadEvalData, type EvalData } from '../core/eval/inputs';
import { buildCandidates, completeRun, evaluateData, rerankCandidates, runRankings, type BatchScorer } from '../core/eval/pipeline';
import { renderMarkdownReport } from '../core/eval/report';
import { formatTrecRun } from '../core/eval/writers';
import { createBatchScorer } from '../core/rerankers/batch-scorer';
import { rerankerLabel } from '../core/rerankers/reranker';
import { ScoringWorker } from '../core/scoring/worker-client';
import type { EvalFileRef, EvalFiles, ScoredDoc } from '../shared/eval-types';
import { isDtype } from '../shared/model-spec';
import { MODEL_OPTIONS, MODEL_USAGE, UsageError, modelSpecFromArgs, optionalInt, type ModelArgs } from './args';
import { outputPaths, progressPrinter, writeOutputs, type OutputFile } from './eval-output';
import { RERANKER_OPTIONS, RERANKER_USAGE, rerankerFromArgs } from './reranker-args';

export const EVAL_USAGE = `Usage: rerank-lens eval --corpus FILE --queries FILE --run FILE... --qrels FILE [options]

Evaluates retrieval runs against relevance judgments: each run on its own, their Reciprocal Rank
Fusion (k = 60), and the cross-encoder's reranking of each query's candidates.

Inputs:
      --corpus FILE      BEIR corpus.jsonl ({"_id", "title", "text"} per line)
      --queries FILE     BEIR queries.jsonl ({"_id", "text"} per line)
      --run FILE         a TREC run (qid Q0 docid rank score tag) or a results file whose result sets
                         store their query text; repeat for several runs (sources, fused by RRF)
      --qrels FILE       TREC qrels, BEIR qrels/*.tsv or JSON {"qid": {"docid": grade}}
Options:
${MODEL_USAGE}
${RERANKER_USAGE}
      --k N              cut-off of the @k metrics (default 10)
      --top-n N          rerank the first N documents of each run per query (default 100)
      --no-rerank        evaluate the runs only; no model is loaded
      --compare-model ID|DIR  also rerank with this model and compare the two rankings side by side
      --compare-dtype fp32|q8 precision of the compared model (alone: the same model in this precision)
      --compare-run FILE compare the reranking (or, with --no-rerank, the merged input) with this run
      --json             print the report as JSON
      --out DIR          write report.md, report.json and the reranked run (run.reranked.txt, TREC)
  -h, --help             show this help

nDCG uses linear gain (trec_eval's ndcg_cut); queries without a relevant judgment are skipped and listed.`;

/** `rerank-lens eval`: the evaluation pipeline with the CLI's input, progress and output. */
export async function evalCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...MODEL_OPTIONS,
      ...RERANKER_OPTIONS,
      corpus: { type: 'string' },
      queries: { type: 'string' },
      run: { type: 'string', multiple: true },
      qrels: { type: 'string' },
      k: { type: 'string' },
      'top-n': { type: 'string' },
      'no-rerank': { type: 'boolean' },
      'compare-model': { type: 'string' },
      'compare-dtype': { type: 'string' },
      'compare-run': { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(EVAL_USAGE + '\n');
    return 0;
  }
  const missing = (['corpus', 'queries', 'run', 'qrels'] as const).filter((name) => !values[name]?.length);
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}.`);
  const rerank = !values['no-rerank'];
  const comparing = values['compare-model'] !== undefined || values['compare-dtype'] !== undefined;
  if (comparing && values['compare-run']) throw new UsageError('Give --compare-model/--compare-dtype or --compare-run, not both.');
  if (comparing && !rerank) throw new UsageError('--compare-model compares two rerankings: drop --no-rerank (or use --compare-run).');
  if (values['compare-dtype'] !== undefined && !isDtype(values['compare-dtype'])) {
    throw new UsageError(`--compare-dtype must be fp32 or q8, got "${values['compare-dtype']}".`);
  }
  const settings = { k: optionalInt(values.k, '--k') ?? 10, topN: optionalInt(values['top-n'], '--top-n') ?? 100 };
  const ref = (path: string): EvalFileRef => ({ path: resolve(path), name: path });
  const files: EvalFiles = { corpus: ref(values.corpus!), queries: ref(values.queries!), qrels: ref(values.qrels!), runs: values.run!.map(ref) };
  const compareRun = values['compare-run'] === undefined ? undefined : ref(values['compare-run']);
  const inputs = [files.corpus, files.queries, files.qrels, ...files.runs, ...(compareRun ? [compareRun] : [])].map((f) => f.path);
  const outNames = ['report.md', 'report.json', ...(rerank ? ['run.reranked.txt'] : []), ...(comparing ? ['run.compare.txt'] : [])];
  // Refuse an --out that would replace an input before any work is done.
  if (values.out !== undefined) outputPaths(values.out, outNames, inputs);

  const progress = progressPrinter();
  const notes: string[] = [];
  // The same reranker and score cache as `rerank`: a re-run scores only the pairs that changed.
  const primary = rerank ? rerankerFromArgs(values, (line) => notes.push(line)) : undefined;
  if (comparing && primary?.spec.kind !== 'local') throw new UsageError('--compare-model and --compare-dtype compare two local models: drop --reranker.');
  const compared = comparing ? compareSpec(values) : undefined;
  let worker: ScoringWorker | undefined;
  const scoring = () => (worker ??= new ScoringWorker({ workerPath: join(__dirname, 'worker.js') }));
  try {
    const data = await loadEvalData(files, { signal, onProgress: progress.show, extraRuns: compareRun && [compareRun] });
    const candidates = buildCandidates(data, settings.topN);
    const started = performance.now();
    const first = primary && (await rerankCandidates(data, candidates, primary.batchScorer(scoring), { signal, onProgress: progress.show }));
    const seconds = (performance.now() - started) / 1000;
    const secondScorer: BatchScorer | undefined = compared && createBatchScorer({ kind: 'local', model: compared.spec }, { worker: scoring, cache: primary?.cache });
    const second = secondScorer && (await rerankCandidates(data, candidates, secondScorer, { signal, onProgress: progress.show }));
    progress.done();
    for (const note of notes) process.stderr.write(`${note}\n`);
    for (const warning of data.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (first) {
      const cached = first.cachedPairs ? ` (${first.cachedPairs} from the score cache)` : '';
      process.stderr.write(`Reranked ${first.pairs} pairs${cached} of ${candidates.length} queries in ${seconds.toFixed(1)} s (${(first.pairs / seconds).toFixed(0)} pairs/s).\n`);
    }

    const report = evaluateData(data, settings, first?.reranked);
    const modelLabel = primary && (primary.spec.kind === 'local' ? `${primary.name} (${primary.spec.model.dtype})` : rerankerLabel(primary.spec));
    const comparison = compareWith(data, settings.k, first && completeRun(data, first.reranked), modelLabel, {
      run: second ? { label: `${compared!.name} (${compared!.spec.dtype})`, ranking: completeRun(data, second.reranked) } : undefined,
      other: data.extraRuns[0],
    });
    const model = primary && (primary.spec.kind === 'local' ? { name: primary.name, dtype: primary.spec.model.dtype } : { name: primary.name, dtype: '', reranker: primary.spec.kind });
    const json = { ...report, model: model ? { ...model, topN: settings.topN } : null, comparison };
    const queryText = new Map([...data.queries].map(([id, q]) => [id, q.text]));
    const title = `Evaluation of ${files.runs.map((r) => basename(r.name)).join(' + ')}${modelLabel ? `, reranked by ${modelLabel}` : ''}`;
    const markdown = renderMarkdownReport(report, { title, queryText }) + (comparison ? '\n' + renderComparisonMarkdown(comparison, queryText) : '');
    process.stdout.write(values.json ? JSON.stringify(json, null, 2) + '\n' : markdown);

    if (values.out !== undefined) {
      const outputs: OutputFile[] = [
        { name: 'report.md', text: markdown },
        { name: 'report.json', text: JSON.stringify(json, null, 2) + '\n' },
      ];
      if (first) outputs.push({ name: 'run.reranked.txt', text: formatTrecRun(completeRun(data, first.reranked), 'rerank-lens') });
      if (second) outputs.push({ name: 'run.compare.txt', text: formatTrecRun(completeRun(data, second.reranked), 'rerank-lens-compare') });
      const written = await writeOutputs(values.out, outputs, inputs, signal);
      process.stderr.write(`Wrote ${written.join(', ')}\n`);
    }
    return 0;
  } finally {
    progress.done();
    await worker?.dispose();
  }
}

/** The compared model: --compare-model (default: the same model) in --compare-dtype (default: the same precision). */
function compareSpec(values: ModelArgs & { 'compare-model'?: string; 'compare-dtype'?: string }) {
  return modelSpecFromArgs({ ...values, model: values['compare-model'] ?? values.model, dtype: values['compare-dtype'] ?? values.dtype });
}

/**
 * The side-by-side comparison: the reranking (or, without one, the merged input) on the left, on the
 * right the second model's reranking or the other run.
 */
function compareWith(
  data: EvalData,
  k: number,
  reranked: [string, ScoredDoc[]][] | undefined,
  modelLabel: string | undefined,
  right: { run?: { label: string; ranking: [string, ScoredDoc[]][] }; other?: EvalData['runs'][number] },
): LabeledComparison | null {
  const rightRanking = right.run
    ? new Map(right.run.ranking.map(([qid, docs]) => [qid, docs.map((d) => d.docId)]))
    : right.other && new Map([...right.other.rankings].map(([qid, docs]) => [qid, docs.map((d) => d.docId)]));
  if (!rightRanking) return null;
  const left = reranked
    ? new Map(reranked.map(([qid, docs]) => [qid, docs.map((d) => d.docId)]))
    : mergedInput(data);
  const leftLabel = reranked ? modelLabel! : data.runs.length > 1 ? 'Merged input' : data.runs[0].name;
  const rightLabel = right.run?.label ?? right.other!.name;
  return { ...compareRankings(left, rightRanking, data.qrels, k), leftLabel, rightLabel };
}

function mergedInput(data: EvalData): Map<string, string[]> {
  const rankings = runRankings(data);
  const ids = new Set(rankings.flatMap((r) => [...r.keys()]));
  return new Map([...ids].map((qid) => [qid, mergeInOrder(rankings.map((r) => r.get(qid) ?? []))]));
}
