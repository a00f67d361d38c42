import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isInputError } from '../core/errors';
import { rerankResults } from '../core/pipeline';
import { toReport } from '../core/rerank';
import { applyCut, hasThreshold, type Cut } from '../core/threshold';
import { ScoringWorker } from '../core/scoring/worker-client';
import { MODEL_OPTIONS, MODEL_USAGE, UsageError, clearProgress, modelSpecFromArgs, optionalInt, optionalNumber, showProgress } from './args';
import { formatTable } from './table';

export const RERANK_USAGE = `Usage: rerank-lens rerank FILE... [--query TEXT] [options]

Reranks retrieval results (JSON array, {query, results} or JSONL files, merged by id)
with a cross-encoder and prints them, best first.

Options:
  -q, --query TEXT       the query (default: the "query" stored in a results file)
${MODEL_USAGE}
  -k, --top-k N          keep only the N best documents
      --min-score X      keep only documents scoring at least X (raw logit; negative: --min-score=-2)
      --min-probability P
                         keep only documents with sigmoid(score) at least P (0–1)
      --json             print JSON instead of a table
  -h, --help             show this help`;

/** `rerank-lens rerank`: the pipeline with the CLI's policy (any unreadable file fails the run). */
export async function rerankCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals: files } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...MODEL_OPTIONS,
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
  const { spec, name } = modelSpecFromArgs(values);
  const worker = new ScoringWorker({ workerPath: join(__dirname, 'worker.js') });
  try {
    const run = await rerankResults(
      files.map((f) => ({ path: resolve(f), name: f })),
      {
        onFileError: 'fail',
        query: values.query,
        signal,
        onProgress: process.stderr.isTTY ? showProgress : undefined,
        scorer: (query, documents, options) => worker.score({ model: spec, query, documents, ...options }),
      },
    ).catch((err: unknown) => {
      if (isInputError(err) && err.code === 'bad-query') {
        throw new UsageError('The query is empty. Pass --query "…" (or store a "query" in a results file).');
      }
      throw err;
    });
    clearProgress();
    for (const warning of run.merged.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (values.json) {
      // `results` holds what clears every cut (as with --top-k alone); `cut` says what was cut and how much.
      const { kept, belowTopK, belowThreshold } = applyCut(run.ranked, cut);
      const summary = {
        ...cut,
        topK: cut.topK ?? null,
        total: run.ranked.length,
        kept: kept.length,
        belowTopK: belowTopK.length,
        belowThreshold: belowThreshold.length,
      };
      const cutSome = cut.topK !== undefined || hasThreshold(cut);
      process.stdout.write(JSON.stringify({ ...toReport(run.query, name, kept), ...(cutSome ? { cut: summary } : {}) }, null, 2) + '\n');
    } else {
      process.stdout.write(formatTable(run.query, `${name} (${spec.dtype})`, run.ranked, cut, run.elapsedMs / 1000));
    }
    return 0;
  } finally {
    await worker.dispose();
  }
}
